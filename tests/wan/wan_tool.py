#!/usr/bin/env python3
"""tests/wan/wan_tool.py: traffic for the delay line's tests.

  tcp-sink PORT [MB]       accept one TCP connection, read to EOF, print
                           "bytes=N seconds=S mbit=R half_mbit=H" (H: the
                           rate over the second half of MB MiB, once TCP's
                           start-up is over)
  tcp-source ADDR PORT MB [MBIT]
                           send MB MiB of zeros, paced at MBIT Mbit/s if given
  udp-sink PORT N          read N numbered datagrams (or stop after 30 s
                           without the first or 3 s of silence after one),
                           print "received N reordered K"
  udp-source ADDR PORT N   send N numbered datagrams back to back
TCP leaves the socket buffers to autotuning (set net.ipv4.tcp_rmem/tcp_wmem
for a long fat path): a fixed SO_RCVBUF would cap the window at rmem_max.
"""
import socket
import struct
import sys
import time

BUF = 64 << 20


def big_buffers(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, BUF)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, BUF)


def tcp_sink(port):
    ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("::", port))
    ls.listen(1)
    print("listening", flush=True)
    c, _ = ls.accept()
    total, t0, half_at = 0, None, None
    buf = bytearray(1 << 20)
    while True:
        n = c.recv_into(buf)
        if n == 0:
            break
        if t0 is None:
            t0 = time.monotonic()
        total += n
        if half_at is None and total >= expected_half[0]:
            half_at = (time.monotonic(), total)
    t1 = time.monotonic()
    half_mbit = 0.0
    if half_at and t1 > half_at[0]:
        half_mbit = (total - half_at[1]) * 8 / (t1 - half_at[0]) / 1e6
    secs = t1 - t0 if t0 is not None else 0.0
    mbit = total * 8 / secs / 1e6 if secs > 0 else 0.0
    c.sendall(b"x")
    print("bytes=%d seconds=%.4f mbit=%.1f half_mbit=%.1f" % (total, secs, mbit, half_mbit),
          flush=True)


expected_half = [1 << 62]


SO_MAX_PACING_RATE = getattr(socket, "SO_MAX_PACING_RATE", 47)


def tcp_source(addr, port, mib, mbit):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    if mbit:
        # TCP paces itself (no fq needed) at this rate, in bytes per second
        s.setsockopt(socket.SOL_SOCKET, SO_MAX_PACING_RATE, int(mbit * 1e6 / 8))
    s.connect((addr, port))
    chunk = bytes(1 << 20)
    for _ in range(mib):
        s.sendall(chunk)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
    s.close()


def udp_sink(port, n):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    big_buffers(s)
    s.bind(("::", port))
    s.settimeout(30.0)  # the sender may be slow to start on a loaded machine
    print("listening", flush=True)
    got, reordered, last = 0, 0, -1
    while got < n:
        try:
            data = s.recv(2048)
        except socket.timeout:
            break
        s.settimeout(3.0)
        seq = struct.unpack("!I", data[:4])[0]
        if seq < last:
            reordered += 1
        last = max(last, seq)
        got += 1
    print("received", got, "reordered", reordered, flush=True)


def udp_source(addr, port, n):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    big_buffers(s)
    pad = bytes(100)
    for i in range(n):
        s.sendto(struct.pack("!I", i) + pad, (addr, port))


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "tcp-sink" and len(argv) in (3, 4):
        if len(argv) == 4:
            expected_half[0] = int(argv[3]) << 19  # half of MiB
        tcp_sink(int(argv[2]))
    elif cmd == "tcp-source" and len(argv) in (5, 6):
        tcp_source(argv[2], int(argv[3]), int(argv[4]), float(argv[5]) if len(argv) == 6 else 0)
    elif cmd == "udp-sink" and len(argv) == 4:
        udp_sink(int(argv[2]), int(argv[3]))
    elif cmd == "udp-source" and len(argv) == 5:
        udp_source(argv[2], int(argv[3]), int(argv[4]))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
