// Package airspace is the pure core of air deconfliction (SPEC §2, issue 3):
// live tracks and their separation conflicts, no-fly fences, and strategic
// checks of 4-D flight plans. It takes values and returns values; it does no
// I/O.
//
// # Separation
//
// Conflict detection is state based, with straight-line extrapolation, as in
// BlueSky's StateBasedCD (Hoekstra & Ellerbroek, 2016) and NASA's DAIDALUS /
// ACCoRD CD3D (Muñoz et al.). A pair is in loss of separation (LoS) while
// its horizontal distance is below the horizontal minimum H and its vertical
// distance is below the vertical minimum V — a cylinder of radius H and
// half-height V around each aircraft. The defaults are the ICAO en-route
// radar minima (ICAO Doc 4444 §5.4, §8.7: 5 NM, 1,000 ft) with a 300 s
// look-ahead. The minima are strict: exactly H or exactly V apart is
// separated.
//
// Geometry is worked per pair, never in one projection for a whole region:
// the two reports are brought to a common time (the later of the two) in a
// tangent plane centred on the pair's great-circle midpoint, scaled so that
// the pair's distance in the plane equals their great-circle distance on a
// sphere of radius 6,371,008.8 m. Velocities are parallel-transported to the
// midpoint, so ground speeds are preserved exactly.
//
// # Broadphase
//
// [Detect] and [Detector] find candidate pairs in a uniform grid over Earth-
// centred coordinates (rotated so that the traffic's centroid is "up") with
// altitude as a fourth axis. Each aircraft is entered in every cell that the
// box of its swept path overlaps, padded by half the minima plus a proven
// bound on the difference between the per-pair plane and the sphere. Because
// the grid lives in 3-D Cartesian space there is no longitude scaling, no
// antimeridian and no pole to handle: chords are never longer than arcs.
// [DetectBruteForce] runs the same exact pair test on every pair; both return
// identical results.
//
// # Fences and plans
//
// No-fly fences are 4-D volumes (footprint, altitude band, time window).
// Their footprints are projected gnomonically at the fence centroid, so their
// edges are great-circle arcs (as in S2) and so is an aircraft's straight-line
// path; entry times are measured along the great circle. Flight plans fly
// great circles between 4-D waypoints at constant speed and linear altitude.
package airspace
