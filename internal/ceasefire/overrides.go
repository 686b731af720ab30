package ceasefire

import (
	"fmt"
	"slices"

	"concord"
)

// Override is one observer decision about clustering. Exactly one of Merge and
// Split is set. Decisions name reports, not incidents, so that they keep their
// meaning however incidents are renamed later: to merge incidents X and Y, name
// one member report of each.
//
//   - Merge joins the incidents of the named reports into one, whatever the
//     automatic clustering says, now and after any later report.
//   - Split takes the named report out of its incident and keeps it out: it is
//     never linked automatically again, so it stands alone unless a later
//     Merge names it. The rest of its old incident stays together only where
//     its members are linked without it.
type Override struct {
	Merge []string `json:"merge,omitempty"`
	Split string   `json:"split,omitempty"`
}

// Overrides are decisions in the order they were made. A Split cancels every
// earlier Merge as far as it concerns the split report; a later Merge naming it
// applies again.
type Overrides []Override

// MaxMerge bounds the reports one merge decision names.
const MaxMerge = 100

// Validate checks that every decision is a well-formed merge or split.
func (o Overrides) Validate() error {
	for i, d := range o {
		if err := concord.Prefix(fmt.Sprintf("[%d]", i), d.validate()); err != nil {
			return err
		}
	}
	return nil
}

func (d Override) validate() error {
	switch {
	case (len(d.Merge) > 0) == (d.Split != ""):
		return concord.Invalid("", "exactly one of merge and split")
	case d.Split != "" && !validID(d.Split):
		return invalidID("split")
	case d.Split != "":
		return nil
	case len(d.Merge) < 2 || len(d.Merge) > MaxMerge:
		return concord.Invalid("merge", "name 2 to %d reports", MaxMerge)
	}
	for i, id := range d.Merge {
		if !validID(id) {
			return invalidID(fmt.Sprintf("merge[%d]", i))
		}
	}
	return nil
}

// effective returns the reports kept out of automatic linking and the merges
// still in force.
func (o Overrides) effective() (split map[string]bool, merges [][]string) {
	split = map[string]bool{}
	for _, d := range o {
		if d.Split == "" {
			merges = append(merges, slices.Clone(d.Merge))
			continue
		}
		split[d.Split] = true
		for i, m := range merges {
			merges[i] = slices.DeleteFunc(m, func(id string) bool { return id == d.Split })
		}
	}
	return split, merges
}
