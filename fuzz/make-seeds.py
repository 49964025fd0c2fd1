#!/usr/bin/env python3
"""Writes the hand-made seeds of fuzz/corpus: wire frames, IMS messages,
network packets and configuration files.  The object and armor seeds come
from roam-kgc (fuzz/README.md), the policy seeds from tests/vectors/abe.
Run from the top of the tree; it overwrites only the files it names."""
import base64
import hashlib
import json
import os
import struct


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def field(num, value):
    """One protobuf field: int -> varint, bytes/str -> length-delimited."""
    if isinstance(value, int):
        return varint(num << 3) + varint(value)
    if isinstance(value, str):
        value = value.encode()
    return varint(num << 3 | 2) + varint(len(value)) + value


def envelope(body_num, body):
    return field(1, 6) + field(body_num, body)   # version 6 (ROAM_PROTO_VERSION)


def frame(payload):
    return struct.pack(">I", len(payload)) + payload


def write(folder, name, data):
    path = os.path.join("fuzz", "corpus", folder, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


QID = bytes(range(16))
error = field(1, 1) + field(2, "bad frame")
wire = {
    "authenticate": envelope(10, field(1, 1) + field(2, "vm1") + field(3, "src.test") +
                             field(4, "dst.test") + field(5, QID)),
    "result-ok": envelope(13, field(1, 1)),
    "result-refused": envelope(13, field(2, error)),
    "progress": envelope(15, field(1, 100) + field(2, 1000) + field(3, 900) + field(7, 6)),
    "admission-query": envelope(17, field(1, "vm1") + field(2, "src.test") + field(3, QID)),
    "ra-fetch": envelope(19, field(1, "vm1") + field(2, QID)),
    "error": envelope(21, error),
    "switch-now": envelope(25, b""),
    # The source's challenge: an outer ciphertext, the policy shown, the
    # nonce and a sealed part of the smallest bucket (8 KiB and the tag).
    "challenge-sealed": envelope(11, field(1, bytes(range(256)) * 6) +
                                 field(2, "(customer) and expiry >= 2026-12-05") +
                                 field(3, bytes([0xab]) * 32) +
                                 field(4, bytes((i * 7) & 0xFF for i in range(8208)))),
}
for name, env in wire.items():
    write("fuzz_wire", name, frame(env))
write("fuzz_wire", "two-frames", frame(wire["progress"]) + frame(wire["result-ok"]))

# network packets: first byte picks the parser (fuzz/fuzz_net.c)
MAC = bytes([0x52, 0x54, 0, 0x12, 0x34, 0x56])
PREFIX = bytes.fromhex("20010db8000100000000000000000000")
ra = (bytes([134, 0, 0, 0, 64, 0]) + struct.pack(">H", 1800) + bytes(8) +
      bytes([1, 1]) + MAC +                                   # source link-layer address
      bytes([3, 4, 64, 0xC0]) + struct.pack(">II", 86400, 14400) + bytes(4) + PREFIX)
LL = bytes.fromhex("fe80000000000000505400fffe123456")
ALLNODES = bytes.fromhex("ff020000000000000000000000000001")
eth6 = bytes.fromhex("333300000001") + MAC + b"\x86\xdd"
ip6 = lambda payload, nh, src, dst: (bytes([0x60, 0, 0, 0]) + struct.pack(">H", len(payload)) +
                                     bytes([nh, 255]) + src + dst + payload)
target = PREFIX[:8] + bytes.fromhex("5054 00ff fe12 3456".replace(" ", ""))
ns = bytes([135, 0, 0, 0]) + bytes(4) + target + bytes([1, 1]) + MAC
na = bytes([136, 0, 0, 0, 0x60, 0, 0, 0]) + target + bytes([2, 1]) + MAC
rarp = (b"\xff" * 6 + MAC + b"\x80\x35" + struct.pack(">HHBBH", 1, 0x0800, 6, 4, 3) +
        MAC + bytes(4) + MAC + bytes(4))
write("fuzz_net", "ra", bytes([0]) + ra)
write("fuzz_net", "ra-frame", bytes([1]) + eth6 + ip6(ra, 58, LL, ALLNODES))
write("fuzz_net", "ns-frame", bytes([2]) + eth6 + ip6(ns, 58, LL, ALLNODES))
write("fuzz_net", "na", bytes([3]) + na)
write("fuzz_net", "rarp", bytes([4]) + rarp)

# IMS: first byte 0 = framed message payload, 1 = datagram (fuzz/fuzz_ims.c)
write("fuzz_ims", "empty-msg", bytes([0]) + field(1, 1))
write("fuzz_ims", "empty-dgram", bytes([1]) + field(1, 1))
IMS_HOA = bytes.fromhex("20010db8000d00000000000000000010")
IMS_MOA = bytes.fromhex("20010db8000a00000000000000000005")
TOKEN = bytes(range(32))
ims_register = (field(1, IMS_HOA) + field(2, 7) + field(3, field(1, IMS_MOA) + field(2, 2)) +
                field(4, bytes(64)) + field(5, TOKEN))
write("fuzz_ims", "register-token-dgram", bytes([1]) + field(1, 1) + field(10, ims_register))
# A host attestation (Register field 6) by the harness's attestor (RFC 8032
# test key 1, key id its SHA-256 cut to 8 bytes), at the harness's time.
ATTEST_PUB = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
ATTEST = (field(1, IMS_MOA) + field(2, 1765000000) +
          field(3, hashlib.sha256(ATTEST_PUB).digest()[:8]) + field(4, bytes(64)))
write("fuzz_ims", "register-attested-dgram", bytes([1]) + field(1, 1) +
      field(10, field(1, IMS_HOA) + field(2, 7) + field(3, field(1, IMS_MOA) + field(2, 2)) +
            field(4, bytes(64)) + field(6, ATTEST)))
write("fuzz_ims", "moa-challenge-dgram", bytes([1]) + field(1, 1) +
      field(16, field(1, IMS_HOA) + field(2, 7) + field(3, IMS_MOA) + field(4, TOKEN)))

# configurations: first byte 0 = roamd, 1 = roam-ims, 2 = roam-mat; 0xf1 and
# 0xf2: roam-ims's and roam-mat's read by path (fuzz/fuzz_config.c)
write("fuzz_config", "roamd", b"\x00" + b"""[roamd]
listen = [::]:7400
cert = /etc/roam/roamd.crt
key = /etc/roam/roamd.key
ca = /etc/roam/ca.crt
mpk = /etc/roam/mpk.pem
accept_policy = HCU and grade >= 2
uplink = br0
max_sessions = 16
""")
IMS_CONF = b"""[ims]
listen = ::
port = 7420
cert = /etc/roam/ims.crt
key = /etc/roam/ims.key
client_ca = /etc/roam/ca.crt
database = /var/lib/roam/ims.db

[enroll]
vm1 = 2001:db8:1::10 /etc/roam/vm1.pub
"""
MAT_CONF = b"""[mat]
mode = mobile
ims = [2001:db8::1]:7420

[mobile]
hoa = 2001:db8:1::10
"""
write("fuzz_config", "ims", b"\x01" + IMS_CONF)
write("fuzz_config", "mat", b"\x02" + MAT_CONF)
write("fuzz_config", "ims-file", b"\xf1" + IMS_CONF)
write("fuzz_config", "mat-file", b"\xf2" + MAT_CONF)

# the hook socket: first byte even = request, odd = answer (fuzz/fuzz_hook.c)
def hook_req(name, xml):
    return b"RHQ1" + struct.pack(">H", len(name)) + name.encode() + \
        struct.pack(">I", len(xml)) + xml.encode()


LAB_XML = """<domain type='qemu'><name>roam-vm</name><memory unit='KiB'>131072</memory>
<os><type arch='x86_64' machine='pc'>hvm</type><kernel>/var/lib/roam/boot/vmlinuz</kernel></os>
<devices><emulator>/usr/bin/qemu-system-x86_64</emulator>
<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
<source file='/var/lib/libvirt/images/vm.qcow2'/><target dev='vda' bus='virtio'/></disk>
<interface type='bridge'><mac address='52:54:00:52:0a:01'/><source bridge='br0'/>
<model type='virtio'/><address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
</interface><serial type='file'><source path='/var/log/libvirt/qemu/roam-vm.console'/>
<target type='isa-serial' port='0'><model name='isa-serial'/></target></serial>
<channel type='unix'><source mode='bind' path='/var/lib/libvirt/qemu/channel/target/a'/>
<target type='virtio' name='org.qemu.guest_agent.0'/></channel></devices></domain>"""
write("fuzz_hook", "request", b"\x00" + hook_req("roam-vm", LAB_XML))
write("fuzz_hook", "request-qemu-ns", b"\x00" + hook_req(
    "vm", "<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"
          "<qemu:commandline><qemu:arg value='-x'/></qemu:commandline></domain>"))
write("fuzz_hook", "answer-allow", b"\x01" + b"RHA1\x00\x00\x00")
write("fuzz_hook", "answer-refuse", b"\x01" + b"RHA1\x01" + struct.pack(">H", 12) +
      b"no admission")

# fuzz_etcd: 0 an etcd listing answer, 1 a HoA's record, 2 a key.
def etcd_record(seq, moas):
    rec = bytes([1]) + bytes(range(32)) + struct.pack(">QQ", seq, 1764900000000)
    rec += bytes([len(moas)])
    for moa, state in moas:
        rec += moa + bytes([state])
    return rec


HOA = bytes.fromhex("20010db8000000000000000000000010")
MOA_A = bytes.fromhex("20010db8000a00000000000000000005")
MOA_B = bytes.fromhex("20010db8000b00000000000000000005")
REC = etcd_record(7, [(MOA_A, 2), (MOA_B, 1)])
KEY = b"/roam/ims/hoa/" + HOA.hex().encode()
write("fuzz_etcd", "listing", b"\x00" + json.dumps({
    "header": {"revision": "42"},
    "kvs": [{"key": base64.b64encode(KEY).decode(), "value": base64.b64encode(REC).decode(),
             "mod_revision": "41"}],
    "more": True}).encode())
write("fuzz_etcd", "listing-empty", b"\x00" + b'{"header":{"revision":"1"}}')
write("fuzz_etcd", "record", b"\x01" + REC)
write("fuzz_etcd", "key", b"\x02" + KEY)
