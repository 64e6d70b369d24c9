// Builds web/data/kommuner.json, the simplified municipality outline of the
// bostedslæge coverage map (web/pages/bosted-map.js), from the SVG paths of the
// npm package react-denmark-map 1.0.0 (MIT, © 2022 Martin Polley). Run once when
// the outline changes; the result is committed, nothing downloads at build time:
//   cd /tmp && npm pack react-denmark-map@1.0.0 && tar xzf react-denmark-map-1.0.0.tgz
//   node scripts/web-kommunekort.mjs /tmp/package/dist/esm/index.js > web/data/kommuner.json
// Béziers are reduced to their end points, each ring simplified (Douglas–Peucker,
// tolerance TOL in the source's units) and the coordinates divided by SCALE and rounded.
import fs from 'node:fs';

const TOL = 9, SCALE = 10;
const src = fs.readFileSync(process.argv[2], 'utf8');
const start = src.indexOf('{id:"langeland"');
const end = src.indexOf('}];', start);
if (start < 0 || end < 0) throw new Error('municipality array not found');
const vb = /viewBoxWidth:"(\d+)",viewBoxHeight:"(\d+)"/.exec(src.slice(end));
const re = /\{id:"[^"]+",name:"[^"]*",en_name:"[^"]*",display_name:"([^"]*)",code:"(\d+)",d:"([^"]+)"\}/g;

function rings(d) {
  const out = [];
  let ring = null, x = 0, y = 0, sx = 0, sy = 0;
  const tokens = d.match(/[a-zA-Z]|-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?/g);
  let i = 0, cmd = null;
  const num = () => Number(tokens[i++]);
  while (i < tokens.length) {
    if (/[a-zA-Z]/.test(tokens[i])) cmd = tokens[i++];
    switch (cmd) {
      case 'M': case 'm': {
        const nx = num(), ny = num();
        if (cmd === 'm') { x += nx; y += ny; } else { x = nx; y = ny; }
        ring = [[x, y]]; out.push(ring); sx = x; sy = y;
        cmd = cmd === 'm' ? 'l' : 'L';
        break;
      }
      case 'l': x += num(); y += num(); ring.push([x, y]); break;
      case 'L': x = num(); y = num(); ring.push([x, y]); break;
      case 'c': { i += 4; x += num(); y += num(); ring.push([x, y]); break; }
      case 'C': { i += 4; x = num(); y = num(); ring.push([x, y]); break; }
      case 'Z': case 'z': x = sx; y = sy; break;
      default: throw new Error(`path command ${cmd}`);
    }
  }
  return out;
}

function simplify(pts, tol) {
  if (pts.length < 4) return pts;
  const keep = new Uint8Array(pts.length);
  keep[0] = keep[pts.length - 1] = 1;
  const stack = [[0, pts.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop();
    const [ax, ay] = pts[a], [bx, by] = pts[b];
    const len = Math.hypot(bx - ax, by - ay) || 1;
    let best = -1, bi = -1;
    for (let k = a + 1; k < b; k++) {
      const dist = Math.abs((bx - ax) * (ay - pts[k][1]) - (ax - pts[k][0]) * (by - ay)) / len;
      if (dist > best) { best = dist; bi = k; }
    }
    if (best > tol) { keep[bi] = 1; stack.push([a, bi], [bi, b]); }
  }
  return pts.filter((_, k) => keep[k]);
}

const municipalities = [];
let m;
const body = src.slice(start - 1, end + 1);
while ((m = re.exec(body))) {
  const [, name, code, d] = m;
  if (Number(code) >= 1000) continue;
  const parts = [];
  for (const r of rings(d)) {
    const s = simplify(r, TOL).map(([px, py]) => [Math.round(px / SCALE), Math.round(py / SCALE)]);
    const dedup = s.filter((p, k) => k === 0 || p[0] !== s[k - 1][0] || p[1] !== s[k - 1][1]);
    if (dedup.length < 3) continue;
    let path = `M${dedup[0][0]} ${dedup[0][1]}`;
    for (let k = 1; k < dedup.length; k++) path += `l${dedup[k][0] - dedup[k - 1][0]} ${dedup[k][1] - dedup[k - 1][1]}`;
    parts.push(path + 'z');
  }
  municipalities.push({ code: code.padStart(4, '0'), name, d: parts.join('') });
}
municipalities.sort((a, b) => a.code.localeCompare(b.code));
const out = {
  source: 'react-denmark-map 1.0.0 (npm, MIT-licens, © 2022 Martin Polley), forenklet af scripts/web-kommunekort.mjs',
  viewBox: `0 0 ${Math.ceil(Number(vb[1]) / SCALE)} ${Math.ceil(Number(vb[2]) / SCALE)}`,
  municipalities,
};
process.stdout.write(JSON.stringify(out) + '\n');
