#!/usr/bin/env python3
"""Opens COUNT idle keep-alive connections to HOST:PORT from SOURCE (a 127.0.0.x address, so many processes do not
share one address's ephemeral ports): each sends one GET /health, reads the answer, then stays open and silent.
Prints how many got their answer, how many failed and why, then holds them HOLD seconds. Usage:
idle_connections.py HOST PORT SOURCE COUNT HOLD"""
import asyncio
import collections
import sys


async def one(host, port, source, held, failures):
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port, local_addr=(source, 0)), 10)
        writer.write(b"GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n")
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        if not head.startswith(b"HTTP/1.1 200"):
            failures[head.split(b"\r\n")[0].decode()] += 1
            return
        await reader.readexactly(2)  # "ok"
        held.append(writer)
    except Exception as e:  # counted by kind: the point is what a client sees at the limit
        failures[type(e).__name__ + (f" {e.errno}" if getattr(e, "errno", None) else "")] += 1


async def main():
    host, port, source, count, hold = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    held, failures = [], collections.Counter()
    for start in range(0, count, 500):  # in waves, as clients arrive, not one SYN flood
        await asyncio.gather(*(one(host, port, source, held, failures) for _ in range(start, min(count, start + 500))))
    print(f"{source}: {len(held)} open, failed {dict(failures)}", flush=True)
    await asyncio.sleep(hold)
    for w in held:
        w.close()


asyncio.run(main())
