// Package access models humanitarian access (SPEC §2): movements (convoys)
// along a route with a corridor, the consents of the armed parties whose
// control areas the corridor crosses, the movement's states from request to
// delivery, the check of a convoy's live position against its corridor and
// window, and the access figures of each besieged area. It does no I/O.
//
// A movement's corridor is every point within width_m / 2 of its route (a
// GeoJSON LineString, RFC 7946 §3.1.4), with geodesic edges and closed
// boundaries as in package geo: a convoy exactly width_m / 2 from the route is
// inside. Its window is [start, end): a position reported at end is outside.
package access
