import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../bin/modelport.js", import.meta.url));

/** Runs the installed `modelport` command (the compiled bin), optionally feeding stdin. */
function modelport(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(input ?? "");
  });
}

describe("modelport CLI", () => {
  let data: string;
  let server: ChildProcess;
  let url: string;

  before(async () => {
    data = await mkdtemp(path.join(tmpdir(), "modelport-cli-"));
    // `serve` on port 0; the log line says where it listens.
    server = spawn(process.execPath, [bin, "serve", "--data", data, "--host", "127.0.0.1", "--port", "0"], {
      env: { PATH: process.env.PATH, MODELPORT_LOG_LEVEL: "info" },
    });
    url = await new Promise<string>((resolve, reject) => {
      let out = "";
      server.stdout!.on("data", (c: Buffer) => {
        out += c.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      server.once("exit", (code) => reject(new Error(`server exited with ${code}: ${out}`)));
    });
  });
  after(async () => {
    if (server.exitCode === null) server.kill("SIGKILL");
    await rm(data, { recursive: true, force: true });
  });

  const create = (token: string, name: string) =>
    fetch(`${url}/api/repos/create`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ name }),
    });

  test("user create and token create work against the data folder of a running server", async () => {
    const user = await modelport(["user", "create", "bob", "--password-stdin", "--data", data], "a long password\n");
    assert.equal(user.code, 0, user.stderr);
    const write = await modelport(["token", "create", "bob", "--role", "write", "--name", "laptop", "--data", data]);
    assert.equal(write.code, 0, write.stderr);
    const token = write.stdout.trim().split("\n").at(-1)!;
    assert.match(token, /^hf_[A-Za-z0-9]{34}$/);
    assert.equal((await create(token, "from-cli")).status, 200);

    const read = await modelport(["token", "create", "bob", "--role", "read", "--data", data]);
    const readToken = read.stdout.trim().split("\n").at(-1)!;
    assert.equal((await create(readToken, "refused")).status, 403);
  });

  test("mistakes get a message and a non-zero exit", async () => {
    await modelport(["user", "create", "carol", "--data", data]);
    const dup = await modelport(["user", "create", "carol", "--data", data]);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /already exists/);
    const badName = await modelport(["user", "create", "../evil", "--data", data]);
    assert.equal(badName.code, 1);
    assert.match(badName.stderr, /user name/);
    const badRole = await modelport(["token", "create", "carol", "--role", "admin", "--data", data]);
    assert.equal(badRole.code, 1);
    assert.match(badRole.stderr, /role must be one of read, write/);
    const unknown = await modelport(["frobnicate"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Usage/);
  });

  test("serve shuts down cleanly on SIGTERM", async () => {
    const exited = new Promise<number | null>((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    assert.equal(await exited, 0);
  });
});
