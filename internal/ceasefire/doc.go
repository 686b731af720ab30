// Package ceasefire is the pure core of ceasefire monitoring (SPEC §2, issue 5):
// violation reports and their validation, the clustering of reports into
// incidents, the verification procedure, requests for information, daily
// summaries per ceasefire area and alleged party, and field-standard exports.
// It does no I/O: callers pass values in and get values (or bytes written to an
// io.Writer they own) back.
//
// # Verification
//
// The procedure follows the 2016 cessation of hostilities in Syria: the
// Joint Statement of the United States and the Russian Federation as co-chairs
// of the International Syria Support Group (ISSG) of 22 February 2016 with its
// annex "Terms for a Cessation of Hostilities in Syria" (in force from 00:00
// Damascus time, 27 February 2016; endorsed by UN Security Council resolution
// 2268), and the co-chairs' "Standard conditions and procedures necessary to
// ensure the cessation of hostilities" (in force 28 March 2016), under which a
// suspected violation leads to a request for information from the party
// suspected of it, an assessment of the nature and extent of the alleged
// violation, and a recorded outcome. Here that is: reports are clustered into
// an incident (state reported), corroborated automatically by a second
// independent reporter or source, the observer sends an RFI to the alleged
// party with a deadline, and records a verdict: verified, disputed or
// rejected. See Transition for the table of legal moves.
//
// # Clustering
//
// Reports of one event are grouped by single linkage (see Params): two reports
// are linked when they share a category, were observed at most Window apart,
// and their points are at most RadiusM + u_a + u_b apart, u being each report's
// uncertainty radius. Incidents are the connected components of that graph, so
// the result does not depend on the order the reports arrive. Observers'
// merges and splits (Overrides) are applied on top and stick.
//
// # Exports
//
// IncidentsCSV writes a header row and, under it, a Humanitarian Exchange
// Language (HXL 1.1, https://hxlstandard.org/standard/1-1final/) hashtag row,
// with columns named as in ACLED and the UCDP Georeferenced Event Dataset
// (Högbladh 2019, UCDP GED Codebook 19.1). IncidentsGeoJSON writes an RFC 7946
// FeatureCollection with the same properties.
package ceasefire
