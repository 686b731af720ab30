package protection

import "strconv"

// AckID is the ID of party's acknowledgement of one version of a subject:
// "ack:<party>:<subject ID>:<version>". It is deterministic, so an
// acknowledgement is recorded once and looked up without a search.
func AckID(party string, r Ref) string {
	return "ack:" + party + ":" + r.ID + ":" + strconv.Itoa(r.Version)
}

// Unacknowledged applies the rule of proof of awareness: of the conflicts,
// those whose subject is notified to parties (Subject.Notified) and whose
// version checked the party has not acknowledged (acked reports whether it
// has). An acknowledgement of an earlier version does not count: a subject
// re-confirmed or changed is notified anew (as an ASTM F3548 operational
// intent's key must hold the current version of every intent it overlaps).
func Unacknowledged(cs []Conflict, acked func(Ref) bool) []Conflict {
	var out []Conflict
	for _, k := range cs {
		if k.Subject.Notified() && !acked(k.Subject.Ref()) {
			out = append(out, k)
		}
	}
	return out
}
