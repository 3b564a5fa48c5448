/**
 * Draws connector/icon.png: 230 x 230, the brand colour as background (the certification rules want a
 * non-white, non-transparent background matching iconBrandColor), and a white envelope crossing a
 * bridge arch, about 160 px wide, in the middle.
 *
 *   node --import tsx scripts/connector/icon.ts   (re)writes connector/icon.png
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ICON_BRAND_COLOR } from "../../connector/metadata.js";
import { encodePng } from "./png.js";

/** Icon side in pixels. */
export const ICON_SIZE = 230;

/** [r, g, b] of a #rrggbb colour. */
export function hexToRgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
}

/** The icon's PNG bytes. */
export function drawIcon(): Buffer {
  const background = hexToRgb(ICON_BRAND_COLOR);
  const white = [255, 255, 255] as const;
  const centre = ICON_SIZE / 2;
  return encodePng(ICON_SIZE, ICON_SIZE, (x, y) => {
    // Bridge arch: a ring segment below the envelope.
    const dx = x - centre;
    const dy = y - 190;
    const radius = Math.hypot(dx, dy);
    if (y <= 190 && y >= 150 && radius >= 72 && radius <= 84) return white;
    // Bridge deck.
    if (y >= 150 && y <= 160 && x >= 35 && x <= 195) return white;
    // Envelope: a white box with a background-coloured V for the flap.
    if (x >= 55 && x <= 175 && y >= 50 && y <= 130) {
      const flap = 50 + ((x <= centre ? x - 55 : 175 - x) * 40) / 60;
      if (Math.abs(y - flap) <= 3) return background;
      return white;
    }
    return background;
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "connector", "icon.png");
  writeFileSync(file, drawIcon());
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
