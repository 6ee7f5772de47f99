#!/usr/bin/env python3
"""mkcorpus.py - write the seed corpora of the fuzz harnesses (run from
tests/fuzz; the files are in the tree, this says how they were made).
Input formats: the header comment of each fuzz_<harness>.c."""
import ipaddress
import os
import struct

def put(harness, name, data):
    d = os.path.join("corpus", harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

V4 = [ipaddress.ip_address("198.18.0.1").packed,
      ipaddress.ip_address("198.18.0.2").packed]
V6 = [ipaddress.ip_address("2001:db8::1").packed,
      ipaddress.ip_address("2001:db8::2").packed]

F = dict(F=1, S=2, R=4, P=8, A=16)

def flags(s):
    return sum(F[c] for c in s)

def tcp(sport, dport, seq, ack, fl, win=64240, opts=b"", data=b""):
    doff = (20 + len(opts)) // 4
    return struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff,
                       ack & 0xffffffff, doff << 4, flags(fl), win, 0,
                       0) + opts + data

def ip(src, dst, t, v6=False):
    """An IP packet around TCP bytes t, checksums filled in."""
    if v6:
        ph = src + dst + struct.pack("!IxxxB", len(t), 6)
    else:
        ph = src + dst + struct.pack("!xBH", 6, len(t))
    c = csum(ph + t)
    t = t[:16] + struct.pack("!H", c) + t[18:]
    if v6:
        return struct.pack("!IHBB", 0x60000000, len(t), 6, 64) + src + \
            dst + t
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(t), 1, 0x4000, 64,
                    6, 0, src, dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + t

MSS = b"\x02\x04\x05\xb4"
SACKOK_TS = b"\x04\x02\x08\x0a\x00\x00\x10\x00\x00\x00\x00\x00"
WS = b"\x01\x03\x03\x07"

# ---- fuzz_arrive: case, family/link, our ISN, records ------------------
def rec(tag, b=b""):
    return bytes([tag]) + (bytes([len(b)]) + b if (tag & 7) < 4 else b"")

REL = 0x20
def target(seq, ack, fl, **kw):      # offsets from the model's numbers
    return rec(2 | REL, tcp(0, 0, seq, ack, fl, **kw))

def ours(seq, ack, fl, **kw):
    return rec(3 | REL, tcp(0, 0, seq, ack, fl, **kw))

def ms(n):
    return b"".join(bytes([5 | (min(n - i, 31) << 3)])
                    for i in range(0, n, 31))

def sec(n):
    return bytes([7 | (n << 3)])

TIMER = bytes([4])
ISN = struct.pack("!I", 1000)

def arrive(name, case, fam, recs):
    put("arrive", name, bytes([case, fam]) + ISN + b"".join(recs))

synack = target(5000, 1, "SA", opts=MSS + SACKOK_TS + WS)
for fam in (0, 1, 2):
    arrive("echo-%d" % fam, 0, fam, [
        synack, ours(1, 1, "PA", data=b"hello\n"), ms(1),
        target(1, 7, "A"),
        target(1, 7, "PA", data=b"hello\n",
               opts=b"\x01\x01\x08\x0a\x00\x00\x20\x00\x00\x00\x10\x00"),
        ours(7, 7, "FA"), target(7, 8, "FA")])
arrive("anyof", 1, 0, [
    synack, ours(1, 1, "FPA", data=b"last words\n"), target(1, 13, "A"),
    target(1, 13, "PA", data=b"last words\n"), ms(20),
    target(1, 13, "A"), sec(1), TIMER, target(12, 13, "FA")])
arrive("ka", 2, 0, [
    synack, sec(5), target(0, 1, "A"), ours(1, 1, "A"), sec(4), ms(31),
    TIMER, sec(5), target(0, 1, "A"), sec(2), target(0, 1, "A"), sec(2),
    target(0, 1, "A"), sec(5), target(1, 0, "R")])
arrive("rtx", 3, 0, [
    synack, ours(1, 1, "FA"), target(1, 2, "A"), target(1, 2, "FA"),
    ms(30)] + [ms(200) + target(1, 2, "FA")] +
    [sec(0) + bytes([5 | (n << 3)]) + target(1, 2, "FA")
     for n in (31, 31)] + [TIMER, TIMER])
arrive("client", 4, 0, [
    rec(2 | 0x10, tcp(33000, 40000, 7000, 0, "S",
                      opts=MSS + SACKOK_TS + WS)),
    ours(0, 1, "SA", win=1000, opts=MSS + b"\x01" + b"\x03\x03\x07"),
    target(1, 1, "A"), target(1, 1, "PA", data=b"x" * 100), sec(1),
    TIMER])
arrive("model", 5, 0, [
    ours(0, 0, "S"), target(0, 1, "RA"), ours(5, 100, "A"),
    target(100, 0, "R")])
arrive("yaml", 6, 0, [
           b"id: y\ntitle: t\nservice: echo\nsteps:\n"
           b"  - expect: {flags: SA, capture: {x: seq}}\n"
           b"  - expect: {seq: $x+1}\n\0", synack, target(1, 1, "A")])
v4 = ip(V4[1], V4[0], tcp(7, 40000, 5000, 1001, "SA"))
arrive("raw", 0, 0, [rec(0, v4), rec(0, v4[:30]),
                     rec(1, ip(V4[0], V4[1], tcp(40000, 7, 1001, 5001, "A")))])

# ---- fuzz_nd: claim/want, frames --------------------------------------
MAC_T = bytes.fromhex("02000000000a")
MAC_US = bytes.fromhex("020000000001")
BC = b"\xff" * 6

def frames(*fs):
    return b"".join(struct.pack("<H", len(f)) + f for f in fs)

def arp(op, sha, spa, tha, tpa, dst=BC):
    return dst + sha + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x0800, 6,
                                                 4, op) + sha + spa + tha + tpa

def icmp6(src, dst, typ, target, opts, flags=0):
    body = struct.pack("!BBHI", typ, 0, 0, flags) + target + opts
    ph = src + dst + struct.pack("!IxxxB", len(body), 58)
    body = body[:2] + struct.pack("!H", csum(ph + body)) + body[4:]
    return b"\x33\x33\xff\x00\x00\x01" + MAC_T + b"\x86\xdd" + \
        struct.pack("!IHBB", 0x60000000, len(body), 58, 255) + src + dst + \
        body

put("nd", "arp-request", b"\x01" + frames(arp(1, MAC_T, V4[1], b"\0" * 6,
                                              V4[0])))
put("nd", "arp-reply", b"\x04" + frames(arp(2, MAC_T, V4[1], MAC_US, V4[0],
                                            MAC_US)))
put("nd", "ns", b"\x02" + frames(icmp6(V6[1], V6[0], 135, V6[0],
                                       b"\x01\x01" + MAC_T)))
put("nd", "ns-dad", b"\x02" + frames(icmp6(b"\0" * 16, V6[0], 135, V6[0],
                                           b"")))
put("nd", "na", b"\x08" + frames(icmp6(V6[1], V6[0], 136, V6[1],
                                       b"\x02\x01" + MAC_T, 0x60000000)))
put("nd", "both", b"\x05" + frames(arp(1, MAC_T, V4[1], b"\0" * 6, V4[0]),
                                   arp(2, MAC_T, V4[1], MAC_US, V4[0])))

# ---- fuzz_reply: link/family, sent, frames with times ------------------
def rframes(*fs):
    return b"".join(struct.pack("<HQ", len(f), t) + f for t, f in fs)

eth4 = MAC_US + MAC_T + b"\x08\x00"
eth6 = MAC_US + MAC_T + b"\x86\xdd"
syn4 = ip(V4[0], V4[1], tcp(20000, 80, 1000, 0, "S"))
sa4 = ip(V4[1], V4[0], tcp(80, 20000, 77, 1001, "SA", opts=MSS + WS))
rst4 = ip(V4[1], V4[0], tcp(80, 20000, 0, 1001, "RA"))
put("reply", "synack-raw", bytes([2, 1]) + rframes(
    (1500000, syn4), (1900000, sa4), (2000000, rst4)))
put("reply", "synack-eth", bytes([0, 2]) + rframes(
    (1500000, eth4 + syn4), (1900000, eth4 + sa4), (900000, eth4 + sa4)))
syn6 = ip(V6[0], V6[1], tcp(20000, 80, 1000, 0, "S"), True)
sa6 = ip(V6[1], V6[0], tcp(80, 20000, 77, 1001, "SA", opts=MSS), True)
put("reply", "synack-v6", bytes([1, 1]) + rframes(
    (1500000, eth6 + syn6), (1900000, eth6 + sa6)))
put("reply", "unsent", bytes([3, 0]) + rframes((5, sa4), (0, syn4)))

# ---- fuzz_include: NUL-separated files ---------------------------------
CASE = (b"id: %s\ntitle: t\nservice: echo\nsteps:\n  - connect: {}\n"
        b"  - include: {file: %s, params: {flags: PA, payload: hi}}\n")
INC = (b"- send:\n    flags: ${flags}\n    data: \"${payload}\"\n"
       b"- expect: {flags: A, capture: {inc_ack: ack}}\n")
put("include", "tree", b"\0".join([
    CASE % (b"a", b"inc.yaml"), INC,
    CASE % (b"b", b"inc.yml"), INC, b"id: c\ntitle: t\nservice: echo\n"
    b"steps:\n  - include: ../b.yaml\n", b"notes", b"hidden", b"@\x06"]))
put("include", "links", b"\0".join([
    CASE % (b"a", b"inc.yaml"), b"@\x03", b"@\x01", b"@\x04", b"@\x07",
    b"x", b"", b"@\x02"]))
put("include", "cycle", b"\0".join([
    b"id: a\ntitle: t\nservice: echo\nsteps:\n  - include: inc.yaml\n",
    b"- include: inc.yaml\n"]))
put("include", "abs", b"- include: /etc/hostname\n")
