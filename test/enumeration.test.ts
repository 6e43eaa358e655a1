import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { uploadFiles } from "@huggingface/hub";
import { createRepo, startHub, type TestHub } from "./support/hub.js";

/**
 * A private repo must not be told apart from a missing one by anyone who may
 * not see it: not by status, headers or body, on any surface, and not by how
 * long the answer takes. The two names have the same length, so the answers
 * are compared byte for byte (only the request id and date differ by nature).
 */
describe("private and missing repos answer alike", () => {
  let hub: TestHub;
  let other: string;
  const hidden = "owner/hidden-a"; // private
  const missing = "owner/hidden-b"; // never created
  const oid = "a".repeat(64);

  before(async () => {
    hub = await startHub();
    const owner = await hub.user("owner");
    other = await hub.user("other");
    await createRepo(hub, owner, "hidden-a", { private: true });
    await uploadFiles({ repo: hidden, accessToken: owner, hubUrl: hub.url, files: [{ path: "model.bin", content: new Blob(["weights"]) }] });
  });
  after(async () => {
    await hub?.close();
  });

  /** Every surface that names a repo, as a request builder. */
  const surfaces: Record<string, (id: string) => [string, RequestInit?]> = {
    info: (id) => [`/api/models/${id}`],
    "info at a revision": (id) => [`/api/models/${id}/revision/main`],
    tree: (id) => [`/api/models/${id}/tree/main`],
    "paths-info": (id) => [`/api/models/${id}/paths-info/main`, json("POST", { paths: ["model.bin"] })],
    refs: (id) => [`/api/models/${id}/refs`],
    commits: (id) => [`/api/models/${id}/commits/main`],
    "auth-check": (id) => [`/api/models/${id}/auth-check`],
    resolve: (id) => [`/${id}/resolve/main/model.bin`],
    "resolve HEAD": (id) => [`/${id}/resolve/main/model.bin`, { method: "HEAD" }],
    raw: (id) => [`/${id}/raw/main/model.bin`],
    "git info/refs (clone)": (id) => [`/${id}.git/info/refs?service=git-upload-pack`],
    "git info/refs (push)": (id) => [`/${id}.git/info/refs?service=git-receive-pack`],
    "lfs batch download": (id) => [`/${id}.git/info/lfs/objects/batch`, lfsBatch("download")],
    "lfs batch upload": (id) => [`/${id}.git/info/lfs/objects/batch`, lfsBatch("upload")],
    preupload: (id) => [`/api/models/${id}/preupload/main`, json("POST", { files: [{ path: "a.txt", size: 1, sample: "YQ==" }] })],
    commit: (id) => [`/api/models/${id}/commit/main`, { method: "POST", headers: { "content-type": "application/x-ndjson" }, body: '{"key":"header","value":{"summary":"x"}}' }],
    settings: (id) => [`/api/models/${id}/settings`, json("PUT", { private: false })],
    gate: (id) => [`/api/models/${id}/gate`],
    "ask-access": (id) => [`/api/models/${id}/ask-access`, json("POST", { fields: {} })],
    "access requests": (id) => [`/api/models/${id}/user-access-request/pending`],
    "handle request": (id) => [`/api/models/${id}/user-access-request/handle`, json("POST", { user: "other", status: "accepted" })],
    inference: (id) => [`/v1/models/${id}`],
  };

  function json(method: string, body: unknown): RequestInit {
    return { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
  }
  function lfsBatch(operation: string): RequestInit {
    return {
      method: "POST",
      headers: { "content-type": "application/vnd.git-lfs+json", accept: "application/vnd.git-lfs+json" },
      body: JSON.stringify({ operation, objects: [{ oid, size: 7 }] }),
    };
  }

  async function call(surface: string, id: string, token: string | undefined): Promise<string> {
    const [url, init = {}] = surfaces[surface]!(id);
    const headers = { ...(init.headers as Record<string, string> | undefined), ...(token ? { authorization: `Bearer ${token}` } : {}) };
    const res = await fetch(`${hub.url}${url}`, { ...init, headers });
    const body = (await res.text()).replace(/"request_id":"[^"]*"/, '"request_id":"…"').split(id).join("<repo>");
    // The model id the caller sent is echoed by the OpenAI surface; it tells nothing the caller did not know.
    const kept = [...res.headers]
      .filter(([k]) => !["x-request-id", "date", "keep-alive", "connection"].includes(k))
      .map(([k, v]) => [k, v.split(id).join("<repo>")])
      .sort();
    return JSON.stringify({ status: res.status, headers: kept, body });
  }

  for (const who of ["anonymous", "another user"] as const) {
    test(`${who}: status, headers and body are identical on every surface`, async () => {
      const token = who === "anonymous" ? undefined : other;
      for (const surface of Object.keys(surfaces)) {
        const [a, b] = await Promise.all([call(surface, hidden, token), call(surface, missing, token)]);
        assert.equal(a, b, surface);
        assert.match(a, /"status":(401|404)/, `${surface} is refused: ${a}`);
      }
    });
  }

  test("answer times do not tell them apart (medians over repeated requests)", async () => {
    const rounds = 40;
    for (const surface of ["info", "resolve", "lfs batch download", "git info/refs (clone)"]) {
      const times: Record<string, number[]> = { [hidden]: [], [missing]: [] };
      for (let i = 0; i < rounds; i++) {
        // Interleaved, in alternating order, so drift in the machine's load falls on both alike.
        for (const id of i % 2 ? [hidden, missing] : [missing, hidden]) {
          const [url, init = {}] = surfaces[surface]!(id);
          const headers = { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${other}` };
          const started = performance.now();
          await (await fetch(`${hub.url}${url}`, { ...init, headers })).arrayBuffer();
          times[id]!.push(performance.now() - started);
        }
      }
      const a = median(times[hidden]!);
      const b = median(times[missing]!);
      // Generous: a real difference (a database or disk round trip more on one side) is several times this on a quiet machine.
      const tolerance = Math.max(3, 0.75 * Math.max(a, b));
      assert.ok(Math.abs(a - b) <= tolerance, `${surface}: private ${a.toFixed(2)} ms vs missing ${b.toFixed(2)} ms`);
    }
  });
});

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
