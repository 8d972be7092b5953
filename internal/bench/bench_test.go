package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func measured(label string, resources int, samples ...sample) *measurement {
	m := newMeasurement(label, resources)
	m.samples = samples
	return m
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		times []time.Duration
		want  time.Duration
	}{
		{[]time.Duration{3 * time.Second}, 3 * time.Second},
		{[]time.Duration{5 * time.Second, 1 * time.Second, 2 * time.Second}, 2 * time.Second},
		{[]time.Duration{4 * time.Second, 1 * time.Second, 2 * time.Second, 9 * time.Second}, 3 * time.Second},
	} {
		m := newMeasurement("m", 0)
		for _, d := range tc.times {
			m.samples = append(m.samples, sample{elapsed: d})
		}
		if got := m.median(); got != tc.want {
			t.Errorf("median of %v = %v, want %v", tc.times, got, tc.want)
		}
	}
}

// quickReport is a report whose every figure meets the bar, for tests to spoil one at a time.
func quickReport() *report {
	s := func(secs float64, requests int64) sample {
		return sample{elapsed: time.Duration(secs * float64(time.Second)), requests: requests, peakRSS: 40 << 20,
			byRoute: map[string]int64{"GET /orgs/{org_id}/orgs": requests}}
	}
	r := &report{
		opts:         options{resources: 1000, dataSourceSubOrgs: 10000, runs: 3, applyRuns: 1, rateLimit: 500, latency: 50 * time.Millisecond},
		apply:        measured("apply", 1000, s(20, 1020)),
		floor:        measured("floor", 1000, s(4, 0), s(4.2, 0), s(3.8, 0)),
		refresh:      measured("refresh", 1000, s(5, 11), s(5.4, 11), s(5.2, 11)),
		unbatched:    measured("unbatched", 1000, s(9, 1001), s(9, 1001), s(9, 1001)),
		limited:      measured("limited", 1000, s(5.4, 11), s(5.4, 11), s(5.4, 11)),
		builtinApply: measured("builtin apply", 0, sample{elapsed: 3 * time.Second}),
		builtinPlan:  measured("builtin plan", 0, sample{elapsed: 2 * time.Second}),
		dataSource:   measured("data source", 0, s(6, 101)),
	}
	r.dataSource.samples[0].providerRead, r.dataSource.samples[0].providerServed = 1500*time.Millisecond, 1800*time.Millisecond
	for _, m := range []*measurement{r.floor, r.refresh, r.unbatched, r.limited} {
		m.inRounds = true
	}
	return r
}

// Plans taken in rounds compare round by round: a slow round weighs on both sides of its ratio.
func TestPairedRatio(t *testing.T) {
	at := func(secs ...float64) *measurement {
		m := newMeasurement("m", 0)
		for _, s := range secs {
			m.samples = append(m.samples, sample{elapsed: time.Duration(s * float64(time.Second))})
		}
		return m
	}
	floor, refresh := at(4, 10, 6), at(5, 11, 9) // round ratios 1.25, 1.1, 1.5; medians 9/6 = 1.5
	if got := pairedRatio(refresh, floor); got != 1.25 {
		t.Errorf("paired ratio %v, want 1.25", got)
	}
}

// slow makes every sample of m take d.
func slow(m *measurement, d time.Duration) {
	for i := range m.samples {
		m.samples[i].elapsed = d
	}
}

func TestBars(t *testing.T) {
	if missed := quickReport().missedBars(); len(missed) != 0 {
		t.Fatalf("a report within the bar misses %+v", missed)
	}
	for name, tc := range map[string]struct {
		spoil func(r *report)
		bar   string
	}{
		"slow refresh":       {func(r *report) { slow(r.refresh, 7*time.Second) }, "at most 1.5x the -refresh=false plan"},
		"a GET per resource": {func(r *report) { r.refresh.samples[1].requests = 51 }, "at most 0.05 API requests per resource"},
		"a read per create":  {func(r *report) { r.apply.samples[0].requests = 1501 }, "apply of 1000 resources at most 1.05 API requests"},
		"a 429":              {func(r *report) { r.limited.samples[0].rateLimited = 1 }, "gets no 429"},
		"slow when limited":  {func(r *report) { slow(r.limited, 7*time.Second) }, "at most 1.2x the unlimited refresh"},
		"pages one by one": {
			func(r *report) { r.dataSource.samples[0].requests = dataSourceRequestLimit(10000) + 1 },
			fmt.Sprintf("about one request per page of 100 (at most %d)", dataSourceRequestLimit(10000)),
		},
		"slow data source": {func(r *report) { r.dataSource.samples[0].providerRead = 2 * time.Second }, "conversion) under 2s"},
		"slow provider": {
			func(r *report) { r.dataSource.samples[0].providerServed = 2501 * time.Millisecond },
			"the provider's share of the plan (ReadDataSource, request to response) at most 2.5s",
		},
	} {
		t.Run(name, func(t *testing.T) {
			r := quickReport()
			tc.spoil(r)
			missed := r.missedBars()
			if len(missed) != 1 || !strings.Contains(missed[0].name, tc.bar) {
				t.Errorf("missed %+v, want only the bar %q", missed, tc.bar)
			}
		})
	}
}

func TestMarkdown(t *testing.T) {
	r := quickReport()
	r.machine = machine{cpus: 2, cpuModel: "Test CPU", memory: 8 << 30, goVersion: "go1.26", terraform: "1.11.4", platform: "linux/amd64"}
	md := r.markdown()
	for _, want := range []string{
		"| refresh | 3 | 5.20 s | 1.29x | 11 | 0.011 | – | 40 MiB |",
		"| limited | 3 | 5.40 s | 1.35x | 11 | 0.011 | 0 | 40 MiB |",
		"| builtin plan | 1 | 2.00 s | 0.50x | – | – | – | – |",
		"- Machine: 2 CPUs (Test CPU), 8.0 GiB memory, linux/amd64; go1.26, Terraform 1.11.4",
		"The batched refresh's requests by route: `GET /orgs/{org_id}/orgs` 11.",
		"| refresh plan of 1000 resources at most 1.5x the -refresh=false plan | 1.29x | met |",
		fmt.Sprintf("its 101 requests are %d round trips,\n  %s at 50ms each.",
			dataSourceRoundTrips(101), seconds(time.Duration(dataSourceRoundTrips(101))*50*time.Millisecond)),
		"| invent_sub_orgs over 10000 sub-organizations: the provider's share of that plan (ReadDataSource, request to response) | 1 | 1.80 s | – | – | – | – | – |",
		"Of the plan's 6.00 s, the provider's share is its ReadDataSource from request to\n  response, 1.80 s",
		"of which the data source's own read, those\n  requests and the conversion of each page into state as it arrives, took 1.50 s.",
		"Terraform's share, the\n  plan less the provider's ReadDataSource, is 4.20 s",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
}

func TestParseOptions_quick(t *testing.T) {
	o, err := parseOptions([]string{"-quick", "-runs", "2"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.resources != 1000 || o.dataSourceSubOrgs != 1000 || o.runs != 2 || o.applyRuns != 1 || o.out != "" {
		t.Errorf("-quick -runs 2 gave %+v", o)
	}
	if _, err := parseOptions([]string{"-n", "7"}, io.Discard); err == nil {
		t.Error("-n 7 (odd) was accepted")
	}
}

// The whole benchmark, one run of each: it builds, runs the emulator and terraform, and judges.
// Timing bars are not judged here, since the test suite shares the machine with other tests; the
// request bars are exact, at the size they name (a per-resource bar at a tenth of it would mostly
// measure the fixed cost of each command, /users/me and a listing's first page).
func TestQuickRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs terraform and the emulator for about a minute")
	}
	// It runs terraform, so it is an acceptance test: skipped as terraform-plugin-testing skips them.
	if os.Getenv("TF_ACC") == "" {
		t.Skip("Acceptance tests skipped unless env 'TF_ACC' set")
	}
	args := []string{"-quick"}
	if tf := os.Getenv("TF_ACC_TERRAFORM_PATH"); tf != "" {
		args = append(args, "-terraform", tf)
	}
	result, err := run(t.Context(), args, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	rep := result.(*report)
	for _, b := range rep.missedBars() {
		if !b.timing {
			t.Errorf("bar missed: %s (measured %s)", b.name, b.measured)
		}
	}
	if got := rep.unbatched.requests(); got < int64(rep.opts.resources) {
		t.Errorf("with batch_reads = false the refresh made %d requests, want at least one per resource (%d)", got, rep.opts.resources)
	}
}

func TestParseOptions_scale(t *testing.T) {
	o, err := parseOptions([]string{"-scale"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !o.scale || o.resources != 5000 || o.latency != 20*time.Millisecond {
		t.Errorf("-scale gave %+v, want 5000 memberships at 20ms", o)
	}
	if o, err = parseOptions([]string{"-scale", "-n", "301", "-latency", "5ms"}, io.Discard); err != nil || o.resources != 301 || o.latency != 5*time.Millisecond {
		t.Errorf("-scale -n 301 -latency 5ms gave %+v, %v", o, err)
	}
}

// scaleResult is a scale run whose every figure meets the bar, for tests to spoil one at a time.
func scaleResult() *scaleReport {
	s := func(requests int64) sample {
		return sample{elapsed: time.Minute, requests: requests, peakRSS: 200 << 20, terraformPeakRSS: 300 << 20,
			byRoute: map[string]int64{"GET /orgs/{org_id}/orgs": requests}}
	}
	return &scaleReport{
		opts:    options{resources: 5000, latency: 20 * time.Millisecond, scale: true, args: []string{"-scale"}},
		apply:   measured("apply", 5000, s(5200)),
		refresh: measured("refresh", 5000, s(90)),
	}
}

func TestScaleBars(t *testing.T) {
	if m := missed(scaleResult().bars()); len(m) != 0 {
		t.Fatalf("a scale run within the bar misses %+v", m)
	}
	for name, tc := range map[string]struct {
		spoil func(r *scaleReport)
		bar   string
	}{
		"refresh requests": {func(r *scaleReport) { r.refresh.samples[0].requests = 101 }, "refresh plan of 5000 memberships at most 0.02"},
		"apply requests":   {func(r *scaleReport) { r.apply.samples[0].requests = 5251 }, "apply of 5000 memberships at most 1.05"},
		"provider memory":  {func(r *scaleReport) { r.refresh.samples[0].peakRSS = 300 << 20 }, "refresh: the provider's peak RSS below Terraform's"},
	} {
		t.Run(name, func(t *testing.T) {
			r := scaleResult()
			tc.spoil(r)
			m := missed(r.bars())
			if len(m) != 1 || !strings.Contains(m[0].name, tc.bar) {
				t.Errorf("missed %+v, want only the bar %q", m, tc.bar)
			}
		})
	}
}

// make bench-scale writes its section of BENCHMARKS.md and nothing else; make bench rewrites the
// rest and keeps that section.
func TestScaleSection(t *testing.T) {
	section := scaleResult().markdown()
	if !strings.HasPrefix(section, scaleHeading+"\n") || !strings.Contains(section, "| apply | 60.00 s | 5200 | 1.040 | 200 MiB | 300 MiB |") {
		t.Fatalf("the scale section:\n%s", section)
	}
	bench := quickReport()
	first := bench.document("")
	if strings.Contains(first, scaleHeading) {
		t.Fatalf("make bench wrote a scale section of its own:\n%s", first)
	}
	withScale := scaleResult().document(first)
	if !strings.HasPrefix(withScale, first[:len(first)-1]) || !strings.HasSuffix(withScale, section) {
		t.Fatalf("make bench-scale changed more than its section:\n%s", withScale)
	}
	if again := bench.document(withScale); again != withScale {
		t.Errorf("make bench after make bench-scale dropped or changed the scale section:\n%s", again)
	}
	newer := scaleResult()
	newer.refresh.samples[0].requests = 95
	replaced := newer.document(withScale)
	if strings.Count(replaced, scaleHeading) != 1 || !strings.Contains(replaced, "| refresh | 60.00 s | 95 |") {
		t.Errorf("a second make bench-scale did not replace the section:\n%s", replaced)
	}
	// A section in the middle of the file is replaced in place.
	middle := "# Benchmarks\n\n" + section + "\n## Later\n\ntext\n"
	if got := newer.document(middle); got != "# Benchmarks\n\n"+newer.markdown()+"\n## Later\n\ntext\n" {
		t.Errorf("replacing a section in the middle gave:\n%s", got)
	}
}
