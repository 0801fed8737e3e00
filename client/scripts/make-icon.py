#!/usr/bin/env python3
# Draws client/images/icon.png (128x128): a padlock on a PostgreSQL-blue rounded square, with a
# green check. Pure Python (zlib + struct), 4x supersampled, so no image library is needed.
import struct, zlib, math, os
N, S = 128, 4
def inside_rrect(x, y, x0, y0, x1, y1, r):
    cx = min(max(x, x0 + r), x1 - r); cy = min(max(y, y0 + r), y1 - r)
    return x0 <= x <= x1 and y0 <= y <= y1 and (x - cx) ** 2 + (y - cy) ** 2 <= r * r
def shade(x, y):
    # background
    if not inside_rrect(x, y, 4, 4, 124, 124, 24): return None
    col = (51, 103, 145)  # PostgreSQL blue
    # shackle: an arch (ring between radii) above the body
    d = math.hypot(x - 64, y - 52)
    if y <= 58 and 17 <= d <= 27: col = (236, 240, 244)
    if 37 <= x <= 47 and 52 <= y <= 62 or 81 <= x <= 91 and 52 <= y <= 62: col = (236, 240, 244)
    # body
    if inside_rrect(x, y, 28, 58, 100, 110, 10): col = (236, 240, 244)
    # check mark on the body
    def seg(ax, ay, bx, by, w):
        vx, vy = bx - ax, by - ay; t = max(0, min(1, ((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy)))
        return math.hypot(x - (ax + t * vx), y - (ay + t * vy)) <= w
    if seg(48, 84, 60, 96, 5.5) or seg(60, 96, 82, 72, 5.5): col = (46, 160, 67)
    return col
rows = []
for py in range(N):
    row = bytearray([0])
    for px in range(N):
        acc = [0, 0, 0, 0]
        for sy in range(S):
            for sx in range(S):
                c = shade(px + (sx + 0.5) / S, py + (sy + 0.5) / S)
                if c: acc[0] += c[0]; acc[1] += c[1]; acc[2] += c[2]; acc[3] += 255
        n = S * S; a = acc[3] // n
        row += bytes([acc[0] // max(1, acc[3] // 255), acc[1] // max(1, acc[3] // 255), acc[2] // max(1, acc[3] // 255), a]) if a else bytes(4)
    rows.append(bytes(row))
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', N, N, 8, 6, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(b''.join(rows), 9)) + chunk(b'IEND', b'')
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'images', 'icon.png')
open(out, 'wb').write(png)
print(out, len(png), 'bytes')
