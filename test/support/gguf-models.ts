import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { uploadFiles } from "@huggingface/hub";
import { writeBrokenLlama, writeRandomLlama, writeScriptedLlama, writeTinyBert } from "../../src/lib/gguf/index.js";
import { createRepo, type TestHub } from "./hub.js";

/** A generated GGUF file, as bytes to upload. */
export type ModelSpec =
  | { kind: "scripted"; answer?: string }
  | { kind: "random"; type: "F32" | "F16" | "Q8_0"; embd?: number; layers?: number; contextLength?: number }
  | { kind: "bert" }
  | { kind: "broken"; flaw: "truncated" | "duplicate-token" };

/** Generates a test model and returns its bytes. */
export async function makeGguf(spec: ModelSpec): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), "modelport-gguf-"));
  const file = path.join(dir, "model.gguf");
  try {
    if (spec.kind === "scripted") await writeScriptedLlama(file, spec.answer !== undefined ? { answer: spec.answer } : {});
    else if (spec.kind === "random") await writeRandomLlama(file, { type: spec.type, ...(spec.embd ? { embd: spec.embd } : {}), ...(spec.layers ? { layers: spec.layers } : {}), ...(spec.contextLength ? { contextLength: spec.contextLength } : {}), seed: 7 });
    else if (spec.kind === "bert") await writeTinyBert(file, { seed: 3 });
    else await writeBrokenLlama(file, spec.flaw);
    return await readFile(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Creates a model repo and commits files to it with the official
 * `@huggingface/hub` client (`.gguf` files go through LFS, as the default
 * `.gitattributes` says), the way a user publishes a model.
 */
export async function publishModel(
  hub: TestHub,
  token: string,
  repo: string,
  files: Record<string, Buffer>,
  opts: { private?: boolean } = {},
): Promise<void> {
  const [, name] = repo.split("/");
  await createRepo(hub, token, name!, { private: opts.private ?? false });
  await uploadFiles({
    repo,
    accessToken: token,
    hubUrl: hub.url,
    files: Object.entries(files).map(([p, content]) => ({ path: p, content: new Blob([new Uint8Array(content)]) })),
  });
}
