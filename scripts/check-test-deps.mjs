#!/usr/bin/env node
// Runs before `npm test`: the end-to-end tests drive the real git and git-lfs
// clients, a real PostgreSQL and a headless Chromium. Installs git-lfs from Debian's packages when it
// is missing and we may (root with apt-get), otherwise says what to install.
import { execFileSync, spawnSync } from "node:child_process";
import net from "node:net";

const has = (cmd, args) => spawnSync(cmd, args, { stdio: "ignore" }).status === 0;

if (!has("git", ["--version"])) fail("git is missing: install it (Debian: apt-get install -y git)");
if (!has("git", ["lfs", "version"])) {
  if (process.getuid?.() === 0 && has("apt-get", ["--version"])) {
    console.log("git-lfs is missing; installing it with apt-get");
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    execFileSync("apt-get", ["install", "-y", "-qq", "git-lfs"], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  } else {
    fail("git-lfs is missing: install it (Debian: sudo apt-get install -y git-lfs)");
  }
}

// The web app's end-to-end tests drive Debian's Chromium (test/support/browser.ts).
const chromium = process.env.MODELPORT_TEST_CHROMIUM ?? "/usr/bin/chromium";
if (!has(chromium, ["--version"])) {
  if (process.getuid?.() === 0 && has("apt-get", ["--version"])) {
    console.log("chromium is missing; installing it with apt-get");
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  } else {
    fail("chromium is missing: install it (Debian: sudo apt-get install -y chromium), or point MODELPORT_TEST_CHROMIUM at a Chromium binary");
  }
}

const pgUp = await new Promise((resolve) => {
  const socket = net.connect({ host: "127.0.0.1", port: 5432 });
  socket.setTimeout(2000);
  socket.once("connect", () => { socket.destroy(); resolve(true); });
  socket.once("error", () => resolve(false));
  socket.once("timeout", () => { socket.destroy(); resolve(false); });
});
if (!pgUp) fail("PostgreSQL is not reachable at 127.0.0.1:5432 (user postgres, trust auth): the database tests run on it too");

function fail(message) {
  console.error(`npm test needs: ${message}`);
  process.exit(1);
}
