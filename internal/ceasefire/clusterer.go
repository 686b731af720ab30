package ceasefire

import (
	"maps"
	"slices"
	"strings"
)

// Clusterer keeps incidents up to date as reports arrive, for the server. At
// every moment its incidents equal Cluster over the reports it holds (latest
// version of each) with its overrides. Adding a report costs a few map look-ups
// in a time-bucketed grid; amending a report or changing the overrides, which
// can only split incidents, rebuilds all incidents from scratch (O(n log n)).
// A Clusterer is not safe for concurrent use.
type Clusterer struct {
	p       Params
	o       Overrides
	split   map[string]bool
	merges  [][]string
	mergeOf map[string][]int // report ID → indexes into merges

	reports []*Report // one allocation each: the slice grows by pointers
	sites   []site
	byID    map[string]int32
	uf      *unionFind
	anchor  []int32   // per root: its earliest member
	members [][]int32 // per root: its members
	index   map[bucket]*grid
}

// bucket is a category and a time slot of Window's length: linked sites are in
// the same or adjacent slots.
type bucket struct {
	cat  int
	slot int64
}

// NewClusterer returns an empty Clusterer. Overrides must be valid
// (Overrides.Validate); invalid decisions are ignored.
func NewClusterer(p Params, o Overrides) *Clusterer {
	c := &Clusterer{p: p.withDefaults()}
	c.setOverrides(o)
	c.rebuild()
	return c
}

func (c *Clusterer) setOverrides(o Overrides) {
	c.o = slices.DeleteFunc(slices.Clone(o), func(d Override) bool { return d.validate() != nil })
	c.split, c.merges = c.o.effective()
	c.mergeOf = map[string][]int{}
	for i, m := range c.merges {
		for _, id := range m {
			c.mergeOf[id] = append(c.mergeOf[id], i)
		}
	}
}

// Len returns the number of reports held.
func (c *Clusterer) Len() int { return len(c.reports) }

// Add adds a validated report with a non-empty ID and returns the incident it
// is now in and the IDs of every incident that is new, changed membership or
// ceased to exist (merged into another), sorted; the returned ID is among them. A report with an ID already held is an
// amendment: it replaces the held version if its Version is not lower, else it
// is ignored (changed is then empty).
func (c *Clusterer) Add(r Report) (IncidentID, []IncidentID) {
	if i, ok := c.byID[r.ID]; ok {
		return c.amend(i, r)
	}
	i := c.append(r)
	var touched []IncidentID
	if !c.split[r.ID] {
		c.link(i, &touched)
		c.insert(i)
	}
	for _, m := range c.mergeOf[r.ID] {
		c.mergeWith(i, c.merges[m], &touched)
	}
	own := incidentID(r.ID) // the new report's own incident, gone if it joined another at once
	touched = slices.DeleteFunc(touched, func(id IncidentID) bool { return id == own })
	id := c.idOf(i)
	touched = append(touched, id)
	slices.Sort(touched)
	return id, slices.Compact(touched)
}

func (c *Clusterer) append(r Report) int32 {
	i := c.uf.add()
	c.reports = append(c.reports, &r)
	c.sites = append(c.sites, newSite(&r, c.p))
	c.byID[r.ID] = i
	c.anchor = append(c.anchor, i)
	c.members = append(c.members, []int32{i})
	return i
}

// link unions site i with every linked site in its own and adjacent slots,
// noting the IDs the joined incidents had.
func (c *Clusterer) link(i int32, touched *[]IncidentID) {
	s := &c.sites[i]
	b := c.bucketOf(s)
	for slot := b.slot - 1; slot <= b.slot+1; slot++ {
		g := c.index[bucket{b.cat, slot}]
		if g == nil {
			continue
		}
		g.query(s, func(j int32) {
			if c.p.linked(s, &c.sites[j]) {
				c.join(i, j, touched)
			}
		})
	}
}

func (c *Clusterer) insert(i int32) {
	b := c.bucketOf(&c.sites[i])
	g := c.index[b]
	if g == nil {
		g = newGrid(c.p)
		c.index[b] = g
	}
	g.add(i, &c.sites[i])
}

func (c *Clusterer) bucketOf(s *site) bucket {
	w := int64(c.p.Window)
	slot := s.t / w
	if s.t%w < 0 {
		slot--
	}
	return bucket{s.cat, slot}
}

func (c *Clusterer) mergeWith(i int32, m []string, touched *[]IncidentID) {
	for _, id := range m {
		if j, ok := c.byID[id]; ok && j != i {
			c.join(i, j, touched)
		}
	}
}

// join unions the incidents of i and j, noting their IDs before the union.
func (c *Clusterer) join(i, j int32, touched *[]IncidentID) {
	ri, rj := c.uf.find(i), c.uf.find(j)
	if ri == rj {
		return
	}
	*touched = append(*touched, c.idOf(ri), c.idOf(rj))
	root := c.uf.union(ri, rj)
	other := ri ^ rj ^ root
	c.members[root] = append(c.members[root], c.members[other]...)
	c.members[other] = nil
	if c.sites[c.anchor[other]].before(&c.sites[c.anchor[root]]) {
		c.anchor[root] = c.anchor[other]
	}
}

func (c *Clusterer) idOf(i int32) IncidentID {
	return incidentID(c.sites[c.anchor[c.uf.find(i)]].id)
}

// IncidentOf returns the incident holding the report, if held.
func (c *Clusterer) IncidentOf(reportID string) (IncidentID, bool) {
	i, ok := c.byID[reportID]
	if !ok {
		return "", false
	}
	return c.idOf(i), true
}

// Incident returns the incident with the given ID, if it exists.
func (c *Clusterer) Incident(id IncidentID) (Incident, bool) {
	rid, ok := strings.CutPrefix(string(id), IncidentPrefix)
	i, held := c.byID[rid]
	if !ok || !held || c.anchor[c.uf.find(i)] != i {
		return Incident{}, false
	}
	return c.build(c.members[c.uf.find(i)]), true
}

// Incidents returns every incident, sorted as Cluster sorts them.
func (c *Clusterer) Incidents() []Incident {
	return incidents(c.reports, c.sites, groups(c.sites, c.uf), c.p)
}

func (c *Clusterer) build(g []int32) Incident {
	g = slices.Clone(g)
	slices.SortFunc(g, func(a, b int32) int { return compareSites(&c.sites[a], &c.sites[b]) })
	return incidents(c.reports, c.sites, [][]int32{g}, c.p)[0]
}

// SetOverrides replaces the observers' decisions (the whole list, in decision
// order), re-clusters, and returns the IDs of incidents that are new, changed
// membership or ceased to exist, sorted.
func (c *Clusterer) SetOverrides(o Overrides) []IncidentID {
	before := c.partition()
	c.setOverrides(o)
	c.rebuild()
	return changedIDs(before, c.partition())
}

// Overrides returns the decisions in force.
func (c *Clusterer) Overrides() Overrides { return slices.Clone(c.o) }

func (c *Clusterer) amend(i int32, r Report) (IncidentID, []IncidentID) {
	if r.Version < c.reports[i].Version {
		return c.idOf(i), nil
	}
	before := c.partition()
	c.reports[i] = &r
	c.sites[i] = newSite(&r, c.p)
	c.rebuild()
	return c.idOf(i), changedIDs(before, c.partition())
}

// rebuild recomputes the union-find, the members, the anchors and the index
// from the held reports with the batch sweep.
func (c *Clusterer) rebuild() {
	n := len(c.sites)
	c.uf = newUnionFind(n)
	sweep(c.sites, c.p, c.split, c.uf)
	applyMerges(c.sites, c.merges, c.uf)
	c.byID = make(map[string]int32, n)
	c.anchor, c.members = make([]int32, n), make([][]int32, n)
	for i := range c.sites {
		c.byID[c.sites[i].id] = int32(i)
		c.anchor[i] = int32(i)
	}
	for i := range c.sites {
		c.adopt(int32(i))
	}
	c.reindex()
}

func (c *Clusterer) adopt(i int32) {
	root := c.uf.find(i)
	c.members[root] = append(c.members[root], i)
	if c.sites[i].before(&c.sites[c.anchor[root]]) {
		c.anchor[root] = i
	}
}

func (c *Clusterer) reindex() {
	c.index = map[bucket]*grid{}
	for i := range c.sites {
		if !c.split[c.sites[i].id] {
			c.insert(int32(i))
		}
	}
}

// partition maps every incident ID to its members' report IDs, sorted.
func (c *Clusterer) partition() map[IncidentID]string {
	out := map[IncidentID]string{}
	for root, m := range c.members {
		if len(m) == 0 || c.uf.find(int32(root)) != int32(root) {
			continue
		}
		ids := make([]string, len(m))
		for k, i := range m {
			ids[k] = c.sites[i].id
		}
		slices.Sort(ids)
		out[c.idOf(int32(root))] = strings.Join(ids, "\x00")
	}
	return out
}

func changedIDs(before, after map[IncidentID]string) []IncidentID {
	set := map[IncidentID]bool{}
	for id, m := range before {
		if after[id] != m {
			set[id] = true
		}
	}
	for id, m := range after {
		if before[id] != m {
			set[id] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}
