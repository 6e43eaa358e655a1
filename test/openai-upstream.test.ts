import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import OpenAI, { APIError } from "openai";
import { startHub, type TestHub } from "./support/hub.js";
import { makeGguf, publishModel } from "./support/gguf-models.js";

/**
 * A gateway hub routing `remote/*` to a second hub on loopback (the
 * "upstream", any OpenAI-compatible server would do), through a recording
 * proxy that shows exactly which credentials reach the upstream.
 */
describe("upstream engine: another Modelport behind the gateway", () => {
  let upstream: TestHub;
  let gateway: TestHub;
  let proxy: http.Server;
  let upstreamKey: string;
  let dave: string;
  let ai: OpenAI;
  const seenAuthorization: (string | undefined)[] = [];
  const hi = [{ role: "user" as const, content: "Hi" }];

  before(async () => {
    upstream = await startHub({ inferenceThreads: 1, inferenceGpu: "off", inferenceContextSize: 2048 });
    await upstream.hub.services.inference.localEngine();
    upstreamKey = await upstream.user("carol");
    await publishModel(upstream, upstreamKey, "carol/scripted", { "m.gguf": await makeGguf({ kind: "scripted" }) }, { private: true });
    await publishModel(upstream, upstreamKey, "carol/bert", { "b.gguf": await makeGguf({ kind: "bert" }) });

    // Forwards everything to the upstream hub, noting the Authorization header of each request.
    proxy = http.createServer((req, res) => {
      seenAuthorization.push(req.headers.authorization);
      const target = new URL(req.url!, upstream.url);
      const out = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (up) => {
        res.writeHead(up.statusCode!, up.headers);
        up.pipe(res);
      });
      req.pipe(out);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

    gateway = await startHub({
      upstreams: [
        { pattern: "remote/*", baseURL: `${proxyUrl}/v1`, apiKey: upstreamKey, model: "*", access: "authenticated" },
        // Nothing listens on port 9 (discard) of loopback.
        { pattern: "down/model", baseURL: "http://127.0.0.1:9/v1", access: "public" },
      ],
    });
    dave = await gateway.user("dave");
    ai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: dave, maxRetries: 0 });
  });
  after(async () => {
    await gateway?.close();
    await new Promise((resolve) => proxy?.close(resolve));
    await upstream?.close();
  });

  test("chat goes upstream under the route's model name and comes back under the caller's", async () => {
    const res = await ai.chat.completions.create({ model: "remote/carol/scripted", messages: hi });
    assert.equal(res.choices[0]!.message.content, "Hello world!");
    assert.equal(res.model, "remote/carol/scripted");
    assert.ok(res.usage!.total_tokens > 0);
  });

  test("streams pass through, usage chunk included", async () => {
    const stream = await ai.chat.completions.create({ model: "remote/carol/scripted", messages: hi, stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? "").join(""), "Hello world!");
    assert.ok(chunks.every((c) => c.model === "remote/carol/scripted"));
    assert.deepEqual(chunks.at(-1)!.choices, []);
    assert.ok(chunks.at(-1)!.usage!.completion_tokens >= 3);
  });

  test("embeddings through the upstream, in the client's default base64 encoding", async () => {
    const res = await ai.embeddings.create({ model: "remote/carol/bert", input: ["one", "two"] });
    assert.equal(res.data.length, 2);
    for (const d of res.data) assert.ok(Math.abs(Math.hypot(...d.embedding) - 1) < 1e-4);
  });

  test("the caller's token never reaches the upstream: only the route's key does", () => {
    assert.ok(seenAuthorization.length >= 3);
    assert.ok(seenAuthorization.every((a) => a === `Bearer ${upstreamKey}`));
  });

  test("upstream errors become OpenAI errors: its 404 and its 400 (with param)", async () => {
    await assert.rejects(ai.chat.completions.create({ model: "remote/carol/missing", messages: hi }), (err: APIError) => err.status === 404 && err.code === "model_not_found");
    // The upstream runs 4 sequences per model; the gateway itself does not limit n.
    await assert.rejects(ai.chat.completions.create({ model: "remote/carol/scripted", messages: hi, n: 9 }), (err: APIError) => err.status === 400 && err.param === "n");
  });

  test("an unreachable upstream is a 503; routes needing a token refuse anonymous callers", async () => {
    await assert.rejects(ai.chat.completions.create({ model: "down/model", messages: hi }), (err: APIError) => err.status === 503 && err.type === "server_error");
    const anonymous = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "remote/carol/scripted", messages: hi }),
    });
    assert.equal(anonymous.status, 401);
  });

  test("models.list names upstream routes that name one model", async () => {
    const ids = (await ai.models.list()).data.map((m) => m.id);
    assert.deepEqual(ids, ["down/model"]);
  });
});
