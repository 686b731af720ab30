// Package protection keeps operations away from protected people and places
// (SPEC §1–§3): armed parties' operation notices, their check against
// protected sites, safe zones, humanitarian movements and other parties'
// notices, the coarse description of each conflict given to the armed party
// and the full one given to the owner of what is protected, the rule of proof
// of awareness, and the self-contained evidence bundle. It does no I/O.
//
// An operation notice says where and when a party will operate (kind, 4-D
// volumes, purpose); it never names a target, and concord never selects, ranks
// or recommends one.
//
// Conflicts are found against the subject's coarse cover (the S2 cells at the
// deployment's level that cover it, see zones.Coarse), never against its exact
// footprint: a notice conflicts with a site when one of its volumes meets one
// of the site's cells during an overlapping window and altitude band. So the
// answer an armed party receives (accepted, or refused with the cells to
// acknowledge) depends only on what it is already shown, and no sequence of
// ever smaller notices can locate a site more finely than its cells. Whether
// the notice meets the site's exact footprint is computed too, but only for
// the full description (Conflict.Exact).
//
// Proof of awareness borrows the "key" of ASTM F3548 (the InterUSS DSS): a
// notice whose volumes conflict with a notified subject (a protected site, a
// safe zone or a movement) is accepted only if the party has acknowledged the
// subject's current version; otherwise it is refused, listing coarsely what to
// acknowledge first. So the journal shows, for every operation near a
// protected site, that the party knew of the site before.
package protection
