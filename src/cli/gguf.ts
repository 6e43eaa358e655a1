import { stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import { inspectGguf, writeRandomLlama, writeScriptedLlama, writeTinyBert } from "../lib/gguf/index.js";

export const ggufUsage = `  modelport gguf make scripted OUT.gguf [--answer TEXT] [--context N]
  modelport gguf make random OUT.gguf [--type Q8_0|F16|F32] [--embd N] [--layers N] [--heads N] [--ff N] [--seed N] [--context N]
  modelport gguf make bert OUT.gguf [--embd N] [--seed N]
  modelport gguf inspect FILE.gguf`;

/** `modelport gguf …`: generates the project's test models (docs/models.md) and inspects GGUF files. */
export async function ggufCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      answer: { type: "string" },
      type: { type: "string" },
      embd: { type: "string" },
      layers: { type: "string" },
      heads: { type: "string" },
      ff: { type: "string" },
      seed: { type: "string" },
      context: { type: "string" },
    },
  });
  const int = (name: keyof typeof values): number | undefined => {
    const v = values[name];
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a non-negative integer`);
    return Number(v);
  };
  try {
    const [verb, what, file] = positionals;
    if (verb === "inspect" && what !== undefined && positionals.length === 2) {
      console.log(JSON.stringify(await inspectGguf(what), null, 2));
      return 0;
    }
    if (verb === "make" && file !== undefined && positionals.length === 3) {
      if (what === "scripted") await writeScriptedLlama(file, { answer: values.answer, contextLength: int("context") });
      else if (what === "random") {
        const type = values.type ?? "Q8_0";
        if (type !== "Q8_0" && type !== "F16" && type !== "F32") throw new UsageError("--type must be Q8_0, F16 or F32");
        await writeRandomLlama(file, {
          type, embd: int("embd"), layers: int("layers"), heads: int("heads"), ff: int("ff"), seed: int("seed"), contextLength: int("context"),
        });
      } else if (what === "bert") await writeTinyBert(file, { dims: int("embd"), seed: int("seed") });
      else throw new UsageError(`unknown model kind ${what}: use scripted, random or bert`);
      console.log(`wrote ${file} (${(await stat(file)).size} bytes)`);
      return 0;
    }
    throw new UsageError(`usage:\n${ggufUsage}`);
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    console.error(`error: ${err.message}`);
    return err instanceof UsageError ? 2 : 1;
  }
}

class UsageError extends Error {}
