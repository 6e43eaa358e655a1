import assert from "node:assert/strict";
import { test } from "node:test";
import { checkName, checkRepoType } from "../src/lib/repo-names.js";

test("names that follow the Hub's rules are accepted", () => {
  for (const name of ["gpt2", "Llama-3.1-8B", "a", "bert_base.v2", "x".repeat(96), "Qwen2.5-0.5B-Instruct"]) {
    assert.equal(checkName(name, "repo name"), name);
  }
});

test("names the Hub refuses, and names that could touch the filesystem, are refused", () => {
  const bad = ["", ".", "..", "../x", "a/b", "a\\b", ".hidden", "-dash", "a--b", "a..b", "m.git", "trailing.", "x".repeat(97), "sp ace", "nul\0", "ünï", "a:b"];
  for (const name of bad) assert.throws(() => checkName(name, "repo name"), { kind: "InvalidArgument" } as object, JSON.stringify(name));
  assert.throws(() => checkName(42, "repo name"), /required/);
});

test("route names are reserved for namespaces but not for repo names", () => {
  for (const ns of ["api", "datasets", "spaces", "Models"]) assert.throws(() => checkName(ns, "namespace"), /reserved/);
  assert.equal(checkName("datasets", "repo name"), "datasets");
});

test("repo types default to model and are checked", () => {
  assert.equal(checkRepoType(undefined), "model");
  assert.equal(checkRepoType("dataset"), "dataset");
  assert.throws(() => checkRepoType("kernel"), /must be one of/);
});
