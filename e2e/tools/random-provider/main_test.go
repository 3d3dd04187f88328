package main

// Run with `go test` in this folder (the e2e scenario first-deploy-dev runs the binary itself).

import (
	"context"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

const urn = "urn:pulumi:dev::smartem::random:index/randomPassword:RandomPassword::p"

func props(t *testing.T, m map[string]any) *pulumirpc.CheckRequest {
	t.Helper()
	s, err := plugin.MarshalProperties(resource.NewPropertyMapFromMap(m), unmarshal)
	if err != nil {
		t.Fatal(err)
	}
	return &pulumirpc.CheckRequest{Urn: urn, News: s}
}

func check(t *testing.T, m map[string]any) (resource.PropertyMap, []string) {
	t.Helper()
	resp, err := (&randomProvider{}).Check(context.Background(), props(t, m))
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, f := range resp.Failures {
		reasons = append(reasons, f.Property+": "+f.Reason)
	}
	if resp.Inputs == nil {
		return nil, reasons
	}
	out, err := plugin.UnmarshalProperties(resp.Inputs, unmarshal)
	if err != nil {
		t.Fatal(err)
	}
	return out, reasons
}

func TestCheckFillsTheRealDefaults(t *testing.T) {
	got, failures := check(t, map[string]any{"length": 32, "special": false})
	if len(failures) > 0 {
		t.Fatal(failures)
	}
	want := resource.NewPropertyMapFromMap(map[string]any{
		"length": 32, "special": false, "lower": true, "upper": true, "numeric": true, "number": true,
		"minLower": 0, "minUpper": 0, "minNumeric": 0, "minSpecial": 0,
	})
	if !got.DeepEquals(want) {
		t.Fatalf("checked inputs %v, want %v", got, want)
	}
}

func TestCheckRefusesBadInput(t *testing.T) {
	for _, c := range []struct {
		in   map[string]any
		want string
	}{
		{map[string]any{}, "length: missing required property"},
		{map[string]any{"length": 0}, "length: length = 0: must be an integer >= 1"},
		{map[string]any{"length": 2.5}, "length: length = 2.5: must be an integer >= 1"},
		{map[string]any{"length": 3, "minUpper": 2, "minNumeric": 2}, "length: length = 3: must be at least"},
		{map[string]any{"length": 8, "lower": false, "upper": false, "numeric": false, "special": false}, "no character to draw from"},
		{map[string]any{"length": 8, "lenght": 9}, `lenght: unknown property "lenght"`},
	} {
		_, failures := check(t, c.in)
		if len(failures) != 1 || !strings.Contains(failures[0], c.want) {
			t.Errorf("Check(%v) failures %q, want one containing %q", c.in, failures, c.want)
		}
	}
}

func TestEveryChangeReplacesAndNoChangeIsNone(t *testing.T) {
	base, _ := check(t, map[string]any{"length": 32, "special": false})
	diff := func(news map[string]any) *pulumirpc.DiffResponse {
		t.Helper()
		n, _ := check(t, news)
		olds, _ := plugin.MarshalProperties(base, unmarshal)
		ns, _ := plugin.MarshalProperties(n, unmarshal)
		resp, err := (&randomProvider{}).Diff(context.Background(), &pulumirpc.DiffRequest{Urn: urn, Olds: olds, News: ns})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if d := diff(map[string]any{"length": 32, "special": false}); d.Changes != pulumirpc.DiffResponse_DIFF_NONE {
		t.Errorf("unchanged inputs: %v, want DIFF_NONE", d)
	}
	d := diff(map[string]any{"length": 32, "special": false, "keepers": map[string]any{"rotate": "1"}})
	if d.Changes != pulumirpc.DiffResponse_DIFF_SOME || strings.Join(d.Replaces, ",") != "keepers" {
		t.Errorf("new keepers: %v, want a replacement of keepers", d)
	}
	if d := diff(map[string]any{"length": 16, "special": false}); strings.Join(d.Replaces, ",") != "length" {
		t.Errorf("new length: %v, want a replacement of length", d)
	}
}

func TestGenerateHonoursClassesAndMinimums(t *testing.T) {
	p, _ := check(t, map[string]any{"length": 40, "special": true, "overrideSpecial": "#", "lower": false, "minSpecial": 5, "minNumeric": 3})
	for range 20 {
		s, err := generate(40, charClasses(p))
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != 40 || strings.Count(s, "#") < 5 || strings.Trim(s, "#0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" ||
			len(strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, s)) < 3 {
			t.Fatalf("generated %q: want 40 characters of upper, digits and '#', at least 5 '#' and 3 digits", s)
		}
	}
}

func TestOtherTypesAreRefusedByName(t *testing.T) {
	_, err := (&randomProvider{}).Check(context.Background(), &pulumirpc.CheckRequest{
		Urn: "urn:pulumi:dev::smartem::random:index/randomUuid:RandomUuid::u",
	})
	if err == nil || !strings.Contains(err.Error(), `"random:index/randomUuid:RandomUuid" is not implemented`) {
		t.Fatalf("Check of another type: %v", err)
	}
}
