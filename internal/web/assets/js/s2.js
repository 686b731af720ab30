// S2 cell tokens to corner coordinates, computed in the browser, so that an
// armed party's console draws a protected site's coarse cover from its cell
// tokens alone and no coordinate of the site is ever fetched.
//
// Follows the S2 geometry library (github.com/golang/geo/s2: cellid.go,
// stuv.go): a cell ID is 3 face bits, 2 bits per level along the Hilbert
// curve, a 1 and then zeros; a token is its hex with trailing zeros removed.
// Coordinates use the quadratic ST→UV projection. Checked against Go by
// golden corners (internal/web/testdata/s2cells.json) in the browser tests.

const MAX_LEVEL = 30;
const POS_TO_IJ = [[0, 1, 3, 2], [0, 2, 3, 1], [3, 2, 0, 1], [3, 1, 0, 2]];
const POS_TO_ORIENTATION = [1, 0, 0, 3]; // swap, -, -, invert|swap

/** parseToken returns the cell ID of an S2 token as a BigInt, or throws. */
export function parseToken(token) {
  if (typeof token !== 'string' || !/^[0-9a-f]{1,16}$/i.test(token) || /^0+$/.test(token)) {
    throw new Error(`not an S2 cell token: ${JSON.stringify(token)}`);
  }
  return BigInt('0x' + token.padEnd(16, '0'));
}

function trailingZeros(id) {
  let n = 0;
  while (((id >> BigInt(n)) & 1n) === 0n) n++;
  return n;
}

/** cell decodes a token into {face, level, i, j, size} (i, j: leaf-cell
 *  coordinates of its lower-left corner; size: its width in leaf cells). */
export function cell(token) {
  const id = parseToken(token);
  const face = Number(id >> 61n);
  const tz = trailingZeros(id);
  if (face > 5 || tz % 2 !== 0) throw new Error(`not a valid S2 cell: ${token}`);
  const level = MAX_LEVEL - tz / 2;
  let i = 0, j = 0, orientation = face & 1;
  for (let k = 0; k < level; k++) {
    const pos = Number((id >> BigInt(59 - 2 * k)) & 3n);
    const ij = POS_TO_IJ[orientation][pos];
    i = i * 2 + (ij >> 1);
    j = j * 2 + (ij & 1);
    orientation ^= POS_TO_ORIENTATION[pos];
  }
  const size = 2 ** (MAX_LEVEL - level);
  return { face, level, i: i * size, j: j * size, size };
}

function stToUV(s) {
  return s >= 0.5 ? (4 * s * s - 1) / 3 : (1 - 4 * (1 - s) * (1 - s)) / 3;
}

function faceUVToXYZ(face, u, v) {
  switch (face) {
    case 0: return [1, u, v];
    case 1: return [-u, 1, v];
    case 2: return [-u, -v, 1];
    case 3: return [-1, -v, -u];
    case 4: return [v, -1, -u];
    default: return [v, u, -1];
  }
}

function latLng([x, y, z]) {
  const d = 180 / Math.PI;
  return [Math.atan2(z, Math.hypot(x, y)) * d, Math.atan2(y, x) * d];
}

/** corners returns the cell's four vertices as [lat, lng] in degrees, in
 *  S2's order (counter-clockwise from the lower-left in UV). */
export function corners(token) {
  const c = cell(token);
  const n = 2 ** MAX_LEVEL;
  const u0 = stToUV(c.i / n), u1 = stToUV((c.i + c.size) / n);
  const v0 = stToUV(c.j / n), v1 = stToUV((c.j + c.size) / n);
  return [[u0, v0], [u1, v0], [u1, v1], [u0, v1]].map(([u, v]) => latLng(faceUVToXYZ(c.face, u, v)));
}
