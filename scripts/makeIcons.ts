/**
 * Draws the app icons Teams requires (color 192×192, outline 32×32 white on transparent): two linked rings, the
 * "connection" mark. Run `npx tsx scripts/makeIcons.ts` after changing the design; the PNGs are committed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';

type Rgba = [number, number, number, number];

function draw(size: number, background: Rgba | undefined, ink: Rgba): PNG {
  const png = new PNG({ width: size, height: size });
  const s = size / 192;
  const rings = [
    { cx: 74 * s, cy: 96 * s },
    { cx: 118 * s, cy: 96 * s },
  ];
  const outer = 38 * s;
  const inner = 24 * s;
  const corner = 36 * s;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      let color: Rgba = [0, 0, 0, 0];
      if (background) {
        // Rounded square.
        const dx = Math.max(corner - x, x - (size - 1 - corner), 0);
        const dy = Math.max(corner - y, y - (size - 1 - corner), 0);
        if (dx * dx + dy * dy <= corner * corner) color = background;
      }
      for (const ring of rings) {
        const d = Math.hypot(x + 0.5 - ring.cx, y + 0.5 - ring.cy);
        if (d <= outer && d >= inner) color = ink;
      }
      png.data[i] = color[0];
      png.data[i + 1] = color[1];
      png.data[i + 2] = color[2];
      png.data[i + 3] = color[3];
    }
  }
  return png;
}

const dir = path.resolve(__dirname, '..', 'appPackage');
fs.writeFileSync(path.join(dir, 'color.png'), PNG.sync.write(draw(192, [0x24, 0x5f, 0xd6, 255], [255, 255, 255, 255])));
fs.writeFileSync(path.join(dir, 'outline.png'), PNG.sync.write(draw(32, undefined, [255, 255, 255, 255])));
