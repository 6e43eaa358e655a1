import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { freePort, type Server, startServer, waitUntilServing } from "./processes.js";

export const nginxBinary = process.env.BENCH_NGINX ?? "/usr/sbin/nginx";

export interface BenchNginx extends Server {
  /** URL of the served file. */
  fileUrl: string;
}

/**
 * Starts nginx as the reference static file server: `sendfile` from disk on a
 * loopback port, with every path it writes inside `dir` so it needs no root
 * and leaves nothing behind. `root` (default: the file's folder) is the
 * document root, so a file can be served at a deeper path such as the hub's.
 */
export async function startNginx(dir: string, file: string, signal: AbortSignal, root = path.dirname(file)): Promise<BenchNginx> {
  await mkdir(path.join(dir, "temp"), { recursive: true });
  const port = await freePort();
  const conf = path.join(dir, "nginx.conf");
  await writeFile(conf, nginxConfig(dir, root, port));
  const errorLog = path.join(dir, "error.log");
  // `-e` moves even the start-up error log off the system path before the config is read.
  const server = startServer("nginx", nginxBinary, ["-p", dir, "-c", conf, "-e", errorLog], { logFile: path.join(dir, "stdout.log") });
  const fileUrl = `http://127.0.0.1:${port}/${path.relative(root, file).split(path.sep).join("/")}`;
  await waitUntilServing(server, "nginx", fileUrl, signal);
  return { ...server, logTail: async () => `${await server.logTail()}\n(see also ${errorLog})`, fileUrl };
}

/**
 * `daemon off` keeps nginx our child; `master_process off` makes it a single
 * process, so stopping it cannot orphan workers and, when we run as root, no
 * worker drops to a user that cannot read our 0700 temp folder. One process
 * is all the benchmarks use: one connection for lfs-transfer, 64 for resolve.
 */
function nginxConfig(dir: string, root: string, port: number): string {
  const temp = (name: string) => path.join(dir, "temp", name);
  return `daemon off;
master_process off;
worker_processes 1;
pid ${path.join(dir, "nginx.pid")};
error_log ${path.join(dir, "error.log")} warn;

events {
  # Room for bench/resolve's 64 keep-alive clients plus the listening socket.
  worker_connections 1024;
}

http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  default_type application/octet-stream;
  client_body_temp_path ${temp("body")};
  proxy_temp_path ${temp("proxy")};
  fastcgi_temp_path ${temp("fastcgi")};
  uwsgi_temp_path ${temp("uwsgi")};
  scgi_temp_path ${temp("scgi")};

  server {
    listen 127.0.0.1:${port};
    root ${root};
  }
}
`;
}
