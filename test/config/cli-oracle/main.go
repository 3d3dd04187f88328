// What the Pulumi CLI hands a program for each stack file: reads a JSON list of stack-file
// texts on stdin and prints, for each, the config texts (key -> text) or the CLI's error.
// It calls the CLI's own loader (workspace.LoadProjectStackBytes) and config decoding, so the
// answers are the CLI's, not a model of it. Regenerate ../cli-texts.json with ../cli-texts.ts.
package main

import (
	"encoding/json"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/common/encoding"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

type answer struct {
	Config map[string]string `json:"config,omitempty"`
	Error  string            `json:"error,omitempty"`
}

func load(text string) answer {
	project := &workspace.Project{Name: "smartem"}
	stack, err := workspace.LoadProjectStackBytes(nil, project, []byte(text), "Pulumi.x.yaml", encoding.YAML)
	if err != nil {
		return answer{Error: err.Error()}
	}
	// NopDecrypter: secure values stay ciphertext; everything else is what the program gets.
	values, err := stack.Config.Decrypt(config.NopDecrypter)
	if err != nil {
		return answer{Error: err.Error()}
	}
	out := map[string]string{}
	for k, v := range values {
		out[k.String()] = v
	}
	return answer{Config: out}
}

func main() {
	var texts []string
	if err := json.NewDecoder(os.Stdin).Decode(&texts); err != nil {
		panic(err)
	}
	answers := make([]answer, len(texts))
	for i, text := range texts {
		answers[i] = load(text)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(answers); err != nil {
		panic(err)
	}
}
