package ceasefire

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"concord"
)

// Defaults of SPEC §2 for clustering reports into incidents.
const (
	DefaultRadiusM = 2_000
	DefaultWindow  = 30 * time.Minute
)

// Params are the clustering settings. Zero or negative RadiusM and Window take
// the defaults. Two reports are linked when they have the same category, were
// observed at most Window apart (inclusive) and the distance between their
// centres is at most RadiusM + u_a + u_b, u being each report's disc radius
// (see Report.Disc). Incidents are the connected components of the links
// (single linkage): a chain of linked reports is one incident even when its
// ends are far apart.
type Params struct {
	RadiusM float64
	Window  time.Duration
	Areas   []Area // used only to fill Incident.Areas
}

func (p Params) withDefaults() Params {
	if !(p.RadiusM > 0) {
		p.RadiusM = DefaultRadiusM
	}
	if p.Window <= 0 {
		p.Window = DefaultWindow
	}
	return p
}

// site is what clustering needs of a report.
type site struct {
	id  string
	cat int
	t   int64 // observed_at, Unix nanoseconds
	at  Point
	r   float64    // disc radius, metres
	ext float64    // grid extent, chord units
	v   [3]float64 // unit vector of at
}

func newSite(r *Report, p Params) site {
	at, rad := r.Disc()
	s := site{id: r.ID, cat: r.Category.index(), t: r.ObservedAt.UnixNano(), at: at, r: rad}
	s.ext = chordExtent(p.RadiusM/2 + rad)
	s.v = unitVector(at)
	return s
}

func unitVector(p Point) [3]float64 {
	lat, lon := p.Lat*degree, p.Lon*degree
	return [3]float64{math.Cos(lat) * math.Cos(lon), math.Cos(lat) * math.Sin(lon), math.Sin(lat)}
}

// before orders sites by observation time, then ID: the earliest member of an
// incident names it.
func (s *site) before(o *site) bool {
	return s.t < o.t || s.t == o.t && s.id < o.id
}

// linked is the one link predicate, shared by every algorithm. It evaluates
// its pair in a fixed order so that every algorithm gets bit-identical results.
func (p Params) linked(a, b *site) bool {
	if a.id > b.id {
		a, b = b, a
	}
	if a.cat != b.cat {
		return false
	}
	dt := a.t - b.t
	if dt < 0 {
		dt = -dt
	}
	return dt <= int64(p.Window) && DistanceM(a.at, b.at) <= p.RadiusM+(a.r+b.r)
}

// Cluster groups reports into incidents by the single-linkage rule of Params,
// then applies the observers' overrides. It sorts by category and time and
// sweeps a time window with a spatial grid (O(n log n) for reports spread in
// time and space). The result, sorted by start then ID, depends only on the set
// of reports, never on their order. Reports must have been validated and have
// distinct, non-empty IDs.
func Cluster(reports []Report, p Params, o Overrides) ([]Incident, error) {
	return cluster(reports, p, o, sweep)
}

// ClusterBrute is the reference for Cluster: it tests every pair of reports.
// It returns the same incidents, in O(n²).
func ClusterBrute(reports []Report, p Params, o Overrides) ([]Incident, error) {
	return cluster(reports, p, o, allPairs)
}

type linker func(sites []site, p Params, skip map[string]bool, uf *unionFind)

func cluster(reports []Report, p Params, o Overrides, link linker) ([]Incident, error) {
	p = p.withDefaults()
	if err := checkIDs(reports); err != nil {
		return nil, err
	}
	if err := o.Validate(); err != nil {
		return nil, concord.Prefix("overrides", err)
	}
	sites := make([]site, len(reports))
	for i := range reports {
		sites[i] = newSite(&reports[i], p)
	}
	split, merges := o.effective()
	uf := newUnionFind(len(sites))
	link(sites, p, split, uf)
	applyMerges(sites, merges, uf)
	ptrs := make([]*Report, len(reports))
	for i := range reports {
		ptrs[i] = &reports[i]
	}
	return incidents(ptrs, sites, groups(sites, uf), p), nil
}

func checkIDs(reports []Report) error {
	seen := make(map[string]bool, len(reports))
	for i, r := range reports {
		field := fmt.Sprintf("reports[%d].id", i)
		switch {
		case r.ID == "":
			return concord.Invalid(field, "required for clustering")
		case seen[r.ID]:
			return concord.Invalid(field, "duplicate report %q", r.ID)
		}
		seen[r.ID] = true
	}
	return nil
}

// sweep links sites category by category in time order, keeping only the
// sites of the last Window in a grid.
func sweep(sites []site, p Params, skip map[string]bool, uf *unionFind) {
	order := make([]int32, len(sites))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		sa, sb := &sites[a], &sites[b]
		return cmp.Or(cmp.Compare(sa.cat, sb.cat), cmp.Compare(sa.t, sb.t), cmp.Compare(sa.id, sb.id))
	})
	var g *grid
	for k, i := range order {
		s := &sites[i]
		if k == 0 || sites[order[k-1]].cat != s.cat {
			g = newGrid(p)
		}
		if skip[s.id] {
			continue
		}
		g.evict(s.t-int64(p.Window), sites)
		g.query(s, func(j int32) {
			if p.linked(s, &sites[j]) {
				uf.union(i, j)
			}
		})
		g.add(i, s)
	}
}

// allPairs links every pair of sites that linked says are linked.
func allPairs(sites []site, p Params, skip map[string]bool, uf *unionFind) {
	for i := range sites {
		if skip[sites[i].id] {
			continue
		}
		for j := i + 1; j < len(sites); j++ {
			if !skip[sites[j].id] && p.linked(&sites[i], &sites[j]) {
				uf.union(int32(i), int32(j))
			}
		}
	}
}

// applyMerges joins, for each merge decision, the incidents of the reports it
// names that are present.
func applyMerges(sites []site, merges [][]string, uf *unionFind) {
	idx := make(map[string]int32, len(sites))
	for i, s := range sites {
		idx[s.id] = int32(i)
	}
	for _, m := range merges {
		first := int32(-1)
		for _, id := range m {
			if j, ok := idx[id]; ok && first < 0 {
				first = j
			} else if ok {
				uf.union(first, j)
			}
		}
	}
}

// groups returns the members of every component, each sorted earliest first,
// the groups sorted by their earliest member.
func groups(sites []site, uf *unionFind) [][]int32 {
	byRoot := map[int32][]int32{}
	for i := range sites {
		r := uf.find(int32(i))
		byRoot[r] = append(byRoot[r], int32(i))
	}
	out := make([][]int32, 0, len(byRoot))
	for _, g := range byRoot {
		slices.SortFunc(g, func(a, b int32) int { return compareSites(&sites[a], &sites[b]) })
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b []int32) int { return compareSites(&sites[a[0]], &sites[b[0]]) })
	return out
}

func compareSites(a, b *site) int {
	return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.id, b.id))
}

// unionFind is a disjoint-set forest with union by size and path halving.
type unionFind struct {
	parent []int32
	size   []int32
}

func newUnionFind(n int) *unionFind {
	uf := &unionFind{}
	for range n {
		uf.add()
	}
	return uf
}

func (uf *unionFind) add() int32 {
	i := int32(len(uf.parent))
	uf.parent = append(uf.parent, i)
	uf.size = append(uf.size, 1)
	return i
}

func (uf *unionFind) find(i int32) int32 {
	for uf.parent[i] != i {
		uf.parent[i] = uf.parent[uf.parent[i]]
		i = uf.parent[i]
	}
	return i
}

// union joins the sets of a and b and returns the new root.
func (uf *unionFind) union(a, b int32) int32 {
	a, b = uf.find(a), uf.find(b)
	if a == b {
		return a
	}
	if uf.size[a] < uf.size[b] {
		a, b = b, a
	}
	uf.parent[b] = a
	uf.size[a] += uf.size[b]
	return a
}
