"""A private redis-server on a unix socket for the benchmarks, and a minimal RESP client (enough
for INFO, DEL and FLUSHALL). Standard library only."""
import os
import socket as sockets
import subprocess
import time


class PrivateRedis:
    """A private redis-server on a unix socket, and a minimal RESP client for INFO and DEL."""

    def __init__(self, folder):
        self.path = f"{folder}/redis.sock"
        self.process = subprocess.Popen(
            ["redis-server", "--port", "0", "--unixsocket", self.path, "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(self.path):
                break
            time.sleep(0.05)
        self.url = "unix://" + self.path

    def command(self, *words):
        with sockets.socket(sockets.AF_UNIX) as s:
            s.connect(self.path)
            s.sendall(b"".join([f"*{len(words)}\r\n".encode()] +
                               [f"${len(w.encode())}\r\n{w}\r\n".encode() for w in words]))
            s.settimeout(5)
            data = b""
            while b"\r\n" not in data:
                data += s.recv(1 << 16)
            header, _, body = data.partition(b"\r\n")
            if header.startswith(b"$") and int(header[1:]) >= 0:
                size = int(header[1:])
                while len(body) < size + 2:
                    body += s.recv(1 << 16)
                data = body[:size]
            return data.decode()

    def cpu(self):
        info = self.command("INFO", "cpu")
        fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
        return float(fields["used_cpu_user"]) + float(fields["used_cpu_sys"])

    def stop(self):
        self.process.terminate()
        self.process.wait()
