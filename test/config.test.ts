import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { loadConfig } from "../src/config/load.js";
import { settings } from "../src/config/registry.js";

test("defaults give the embedded hub: port 8080, ./data, SQLite", () => {
  const config = loadConfig({}, {});
  assert.equal(config.port, 8080);
  assert.equal(config.dataDir, "./data");
  assert.equal(config.databaseUrl, "");
});

test("environment overrides defaults, and flags override the environment", () => {
  const env = { MODELPORT_PORT: "9000", MODELPORT_DATA: "/srv/hub", MODELPORT_HOST: "127.0.0.1" };
  assert.equal(loadConfig({}, env).port, 9000);
  assert.equal(loadConfig({ port: "9100" }, env).port, 9100);
  assert.equal(loadConfig({}, env).dataDir, "/srv/hub");
  assert.equal(loadConfig({}, env).host, "127.0.0.1");
});

test("bad values name the variable or flag that carried them", () => {
  assert.throws(() => loadConfig({}, { MODELPORT_PORT: "eighty" }), /MODELPORT_PORT.*not a TCP port/);
  assert.throws(() => loadConfig({ port: "70000" }, {}), /--port/);
  assert.throws(() => loadConfig({ publicUrl: "ftp://x" }, {}), /not an http/);
  assert.equal(loadConfig({}, { MODELPORT_MAX_LFS_OBJECT_SIZE: "50G" }).maxLfsObjectSize, 50 * 1024 ** 3);
});

test("docs/config.md documents every setting of the registry", async () => {
  const doc = await readFile(new URL("../docs/config.md", import.meta.url), "utf8");
  for (const spec of Object.values(settings)) {
    assert.ok(doc.includes(`\`${spec.env}\``), `${spec.env} is documented`);
    if (spec.flag) assert.ok(doc.includes(`\`--${spec.flag}\``), `--${spec.flag} is documented`);
  }
});
