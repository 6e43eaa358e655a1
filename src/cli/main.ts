import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../config/load.js";
import { settings, type SettingName } from "../config/registry.js";
import { openDb } from "../db/connect.js";
import { DomainError } from "../lib/domain-error.js";
import { AccountService } from "../services/accounts.js";
import { AuditLog } from "../services/audit-log.js";
import { ggufCommand, ggufUsage } from "./gguf.js";
import { serve } from "../main.js";

const usage = `Usage:
  modelport serve [--host H] [--port P] [--data DIR] [--database-url URL] [--public-url URL] [--log-level L]
                  [--inference-memory SIZE] [--inference-threads N] [--inference-parallel N]
                  [--inference-context-size N] [--inference-queue N] [--inference-gpu auto|off]
  modelport user create NAME [--admin] [--password-stdin] [--email E] [--data DIR]
  modelport token create NAME [--role read|write] [--name LABEL] [--expires DAYS|ISO-DATE] [--data DIR]
${ggufUsage}

Every flag can also be set by its MODELPORT_* environment variable (see docs/config.md).`;

/** Flags that map one-to-one onto settings of the registry. */
const settingFlags = Object.fromEntries(
  Object.entries(settings)
    .filter(([, s]) => s.flag !== undefined)
    .map(([name, s]) => [s.flag!, { type: "string" as const, setting: name as SettingName }]),
);

/** Runs one CLI command; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  // Test-model generation and GGUF inspection need no configuration (docs/models.md).
  if (argv[0] === "gguf") return ggufCommand(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...Object.fromEntries(Object.entries(settingFlags).map(([flag]) => [flag, { type: "string" as const }])),
      admin: { type: "boolean" },
      "password-stdin": { type: "boolean" },
      email: { type: "string" },
      role: { type: "string" },
      name: { type: "string" },
      expires: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const flags: Partial<Record<SettingName, string>> = {};
  for (const [flag, { setting }] of Object.entries(settingFlags)) {
    const v = values[flag as keyof typeof values];
    if (typeof v === "string") flags[setting] = v;
  }
  const [command, sub, arg] = positionals;
  if (values.help || command === undefined || command === "help") {
    console.log(usage);
    return command === undefined && !values.help ? 2 : 0;
  }
  const config = loadConfig(flags);

  if (command === "serve" && sub === undefined) {
    await serve(config);
    return 0;
  }
  if ((command === "user" || command === "token") && sub === "create" && arg !== undefined && positionals.length === 3) {
    const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: path.resolve(config.dataDir) });
    try {
      // Tokens made here are in the audit log too, with no actor (the operator at the console).
      const accounts = new AccountService(db, new AuditLog(db));
      if (command === "user") {
        const password = values["password-stdin"] ? await readPassword() : undefined;
        const user = await accounts.createUser({ name: arg, isAdmin: values.admin ?? false, password, email: values.email });
        console.log(`created user ${user.name}${user.is_admin ? " (admin)" : ""}`);
      } else {
        const { token, role } = await accounts.createToken(arg, { role: values.role, label: values.name, expiresAt: expiryOf(values.expires) });
        console.log(`created ${role} token for ${arg}; it is shown only once:`);
        console.log(token);
      }
      return 0;
    } catch (err) {
      if (err instanceof DomainError) {
        console.error(`error: ${err.message}`);
        return 1;
      }
      throw err;
    } finally {
      await db.close();
    }
  }
  console.error(`unknown command: ${positionals.join(" ")}\n\n${usage}`);
  return 2;
}

/** The password is the first line of stdin, so it never shows in `ps` or shell history. */
async function readPassword(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/, 1)[0] ?? "";
}

/** `--expires 30` (days from now) or `--expires 2027-01-01T00:00:00Z`; the service checks the date. */
function expiryOf(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (/^\d{1,5}$/.test(raw)) return new Date(Date.now() + Number(raw) * 86_400_000).toISOString();
  return raw;
}
