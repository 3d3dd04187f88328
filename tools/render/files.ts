/** The shape every render contribution shares: relative path -> file content. */
import type { Evaluation } from "../engine/evaluate";

/** Relative path -> file content. */
export type RenderedFiles = Map<string, string>;

/** Adds the files one concern contributes to the render. */
export type FileRenderer = (evaluation: Evaluation, files: RenderedFiles) => void;

/** A JSON file of the layout: two-space indent, a final newline. */
export const jsonFile = (value: unknown): string => JSON.stringify(value, null, 2) + "\n";
