/**
 * Deliberately broken GGUF files, for tests of what protects the hub from them. Each one is the scripted
 * model with one flaw; `inspectGguf` rejects every one.
 */
import { readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import { writeScriptedLlama } from "./scripted-llama.js";

export type GgufFlaw =
  /** Two equal strings in `tokenizer.ggml.tokens`: llama.cpp aborts the whole process (GGML_ASSERT) when it loads this. */
  | "duplicate-token"
  /** The file ends in the middle of the tensor data: llama.cpp refuses it with an error. */
  | "truncated";

export async function writeBrokenLlama(file: string, flaw: GgufFlaw): Promise<void> {
  await writeScriptedLlama(file);
  if (flaw === "truncated") {
    const { size } = await stat(file);
    await truncate(file, size - 1024);
    return;
  }
  // The vocabulary holds the printable ASCII characters in order: "!" then '"', each a GGUF string
  // (u64 length 1, then the byte). Turning '"' into "!" keeps every offset and makes two tokens equal.
  const buf = await readFile(file);
  const one = Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]);
  const at = buf.indexOf(Buffer.concat([one, Buffer.from("!"), one, Buffer.from('"')]));
  if (at === -1) {
    await rm(file, { force: true });
    throw new Error("could not find the tokens to duplicate");
  }
  buf[at + 17] = "!".charCodeAt(0);
  await writeFile(file, buf);
}
