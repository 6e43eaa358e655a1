import { settings, type Config, type SettingName, type SettingSpec } from "./registry.js";

/**
 * Builds the configuration from defaults, then the environment, then explicit
 * overrides (parsed CLI flags or a test's settings). This is the only module
 * that reads `process.env`.
 */
export function loadConfig(
  flags: Partial<Record<SettingName, string>> = {},
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(settings) as [SettingName, SettingSpec<unknown>][]) {
    let value = spec.default;
    const fromEnv = env[spec.env];
    if (fromEnv !== undefined && fromEnv !== "") value = parseSetting(name, spec, fromEnv, spec.env);
    const fromFlag = flags[name];
    if (fromFlag !== undefined) value = parseSetting(name, spec, fromFlag, spec.flag ? `--${spec.flag}` : name);
    out[name] = value;
  }
  return out as Config;
}

/** A config for tests and embedding: defaults plus typed overrides, ignoring the environment. */
export function configWith(overrides: Partial<Config>): Config {
  return { ...loadConfig({}, {}), ...overrides };
}

function parseSetting(name: string, spec: SettingSpec<unknown>, raw: string, source: string): unknown {
  try {
    return spec.parse(raw);
  } catch (err) {
    throw new Error(`invalid ${source} (${name}): ${(err as Error).message}`);
  }
}
