// Package sim drives concord through its public HTTP API as real clients
// would: it seeds the demonstration's parties and zones over real Syrian
// geography (Seed), and plays a day of the mechanism at work (New, Run):
// three armed parties' air traffic from real airbases, operation notices,
// an aid organisation's convoys to besieged areas, the real UCDP GED events
// of September 2016 replayed as violation reports, and every actor's
// acknowledgements, consents, answers and verdicts. Everything is drawn
// from a seed; on simulated time (Clock) and stepped without racing the
// wall clock, the same seed plays the same day. Every site, convoy and
// flight it creates is synthetic and marked so.
package sim

import (
	"context"
	_ "embed"
	"fmt"
	"time"

	"concord/internal/client"
	"concord/internal/geo"
	"concord/internal/mechanism"
	"concord/internal/zones"
)

// Governorates is Natural Earth's admin-1 polygons of Syria (see data/README.md).
//
//go:embed data/syria_adm1.geojson
var Governorates []byte

// Member is a seeded party and the client that acts as it.
type Member struct {
	Party  mechanism.Party
	Token  string
	Client *client.Client
}

// World is what Seed created.
type World struct {
	Members map[string]Member // by party ID
	Zones   int
	ZoneIDs map[string]string // IDs of the coordinator's and H's zones, by name
}

// demoParties are the demonstration's parties. The names describe roles in
// the mechanism; they are not claims about any real organisation.
var demoParties = []mechanism.NewParty{
	{ID: "A", Name: "Air Force A operations centre", Role: "party"},
	{ID: "B", Name: "Air Force B operations centre", Role: "party"},
	{ID: "C", Name: "Coalition air operations centre", Role: "party"},
	{ID: "H", Name: "Humanitarian organisation (demo)", Role: "humanitarian"},
	{ID: "O", Name: "Ceasefire observer mission", Role: "observer"},
	{ID: "W", Name: "Independent auditor", Role: "auditor"},
}

// Seed creates the demonstration's parties and zones through coord, the
// coordinator's client, starting at start.
func Seed(ctx context.Context, coord *client.Client, start time.Time) (*World, error) {
	w := &World{Members: map[string]Member{}, ZoneIDs: map[string]string{}}
	for _, np := range demoParties {
		var pc mechanism.PartyCreated
		if err := coord.Do(ctx, "POST", "/v1/parties", np, "seed-party-"+np.ID, &pc); err != nil {
			return nil, fmt.Errorf("create party %s: %w", np.ID, err)
		}
		w.Members[np.ID] = Member{Party: pc.Party, Token: pc.Token, Client: client.New(coord.URL, pc.Token)}
	}
	govs, err := zones.Import(Governorates, "syria_adm1.geojson", zones.Defaults{Kind: zones.CeasefireArea, Start: start})
	if err != nil {
		return nil, fmt.Errorf("governorates: %w", err)
	}
	if _, err := post(ctx, coord, "seed-governorates", govs); err != nil {
		return nil, err
	}
	w.Zones += len(govs)
	for _, s := range []struct {
		who string
		zs  []zones.Zone
	}{{"coordinator", coordinatorZones(start)}, {"H", humanitarianZones(start)}} {
		c := coord
		if s.who != "coordinator" {
			c = w.Members[s.who].Client
		}
		made, err := post(ctx, c, "seed-zones-"+s.who, s.zs)
		if err != nil {
			return nil, err
		}
		for _, z := range made {
			w.ZoneIDs[z.Name] = z.ID
		}
		w.Zones += len(s.zs)
	}
	return w, nil
}

// post declares zs in one batch and returns them as created.
func post(ctx context.Context, c *client.Client, key string, zs []zones.Zone) ([]zones.Zone, error) {
	in := make([]zones.Input, len(zs))
	for i, z := range zs {
		in[i] = z.Input()
	}
	var out struct {
		Zones []zones.Zone `json:"zones"`
	}
	if err := c.Do(ctx, "POST", "/v1/zones/batch", map[string]any{"zones": in}, key, &out); err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	return out.Zones, nil
}

func circle(lon, lat float64) geo.Geometry {
	return geo.Geometry{Type: "Point", Point: geo.Position{lon, lat}}
}

func rect(minLon, minLat, maxLon, maxLat float64) geo.Geometry {
	ring := []geo.Position{{minLon, minLat}, {maxLon, minLat}, {maxLon, maxLat}, {minLon, maxLat}, {minLon, minLat}}
	return geo.Geometry{Type: "Polygon", Polygons: [][][]geo.Position{{ring}}}
}

func lineString(pts []LatLon) geo.Geometry {
	line := make([]geo.Position, len(pts))
	for i, p := range pts {
		line[i] = geo.Position{p.Lon, p.Lat}
	}
	return geo.Geometry{Type: geo.TypeLineString, Line: line}
}

func vol(g geo.Geometry, radius, floor, ceiling float64, start time.Time) []zones.Volume {
	return []zones.Volume{{Footprint: g, RadiusM: radius, FloorFt: floor, CeilingFt: ceiling, Start: start}}
}

// coordinatorZones: no-fly zones and control areas declared by the coordinator.
func coordinatorZones(start time.Time) []zones.Zone {
	return []zones.Zone{
		{Kind: zones.NoFly, Name: "Damascus approach no-fly zone", Volumes: vol(circle(36.515, 33.411), 15000, 0, 25000, start)},
		{Kind: zones.NoFly, Name: "Idlib humanitarian no-fly box", Volumes: vol(rect(36.45, 35.75, 36.80, 36.05), 0, 0, 45000, start)},
		{Kind: zones.ControlArea, Name: "Northern control area (party A)", AppliesTo: []string{"A"}, Volumes: vol(rect(36.6, 35.9, 38.2, 36.7), 0, 0, 60000, start)},
		{Kind: zones.ControlArea, Name: "Eastern control area (party C)", AppliesTo: []string{"C"}, Volumes: vol(rect(38.8, 34.6, 41.0, 36.6), 0, 0, 60000, start)},
		{Kind: zones.ControlArea, Name: "Damascus countryside control area (party B)", AppliesTo: []string{"B"}, Volumes: vol(rect(36.05, 33.38, 36.60, 33.75), 0, 0, 60000, start)},
		{Kind: zones.ControlArea, Name: "Western Aleppo control area (party B)", AppliesTo: []string{"B"}, Volumes: vol(rect(37.02, 36.12, 37.165, 36.28), 0, 0, 60000, start)},
	}
}

// humanitarianZones: synthetic protected sites inside real towns, a safe
// zone and the besieged areas convoys go to.
func humanitarianZones(start time.Time) []zones.Zone {
	site := func(name string, t zones.SiteType, lon, lat, r float64) zones.Zone {
		return zones.Zone{Kind: zones.ProtectedSite, Name: name + " (synthetic)", SiteType: t,
			Properties: map[string]string{"synthetic": "true"}, Volumes: vol(circle(lon, lat), r, 0, 0, start)}
	}
	return []zones.Zone{
		site("Field hospital, Douma", "hospital", 36.3953, 33.5762, 500), // not at the besieged area's centre, which every party sees
		site("School shelter, Aleppo east", "shelter", 37.1856, 36.2044, 300),
		site("Water station, Ain al-Fijeh", "water", 36.1797, 33.6178, 400),
		site("Warehouse, Homs", "warehouse", 36.7233, 34.7308, 250),
		{Kind: zones.SafeZone, Name: "Madaya safe zone (synthetic)", Properties: map[string]string{"synthetic": "true"},
			Volumes: vol(circle(36.1043, 33.6841), 2500, 0, 0, start)}, // offset from Madaya's centre, which every party sees
		{Kind: zones.BesiegedArea, Name: "Madaya", Volumes: vol(circle(36.0975, 33.6886), 3000, 0, 0, start)},
		{Kind: zones.BesiegedArea, Name: "Darayya", Volumes: vol(circle(36.2361, 33.4589), 2500, 0, 0, start)},
		{Kind: zones.BesiegedArea, Name: "Douma", Volumes: vol(circle(36.4019, 33.5716), 3500, 0, 0, start)},
		{Kind: zones.BesiegedArea, Name: "Eastern Aleppo", Volumes: vol(rect(37.15, 36.17, 37.24, 36.24), 0, 0, 0, start)},
	}
}
