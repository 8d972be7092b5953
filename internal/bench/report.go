package main

import (
	"bufio"
	"fmt"
	"maps"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// The bar the performance issue sets.
const (
	maxRefreshToFloor      = 1.5  // refreshing plan / -refresh=false plan
	maxRequestsPerResource = 0.05 // during the refreshing plan
	maxApplyRequests       = 1.05 // per resource, during an apply from an empty state
	maxLimitedToUnlimited  = 1.2  // rate-limited refresh / unlimited refresh
	maxDataSourceTime      = 2 * time.Second
	maxProviderShare       = 2500 * time.Millisecond // the data source's ReadDataSource, request to response
	subOrgPageSize         = 100                     // the API's largest take
)

// sample is one run of one measurement.
type sample struct {
	elapsed time.Duration
	peakRSS int64 // bytes; 0 when no provider process ran
	// terraformPeakRSS is the terraform process's, in bytes.
	terraformPeakRSS int64
	requests         int64
	rateLimited      int64
	byRoute          map[string]int64
	// providerRead is the data source's own read and providerServed the provider's whole ReadDataSource
	// around it, request to response, as the provider logged them; 0 for other runs.
	providerRead, providerServed time.Duration
	// providerTime is the time the provider spent serving RPCs (exclusive.go); 0 when not measured.
	providerTime time.Duration
}

// measurement is the samples of one thing measured.
type measurement struct {
	label string
	// resources divides the requests into requests per resource; 0 when that makes no sense.
	resources int
	// inRounds says the samples were taken in rounds with the floor's, one each per round.
	inRounds bool
	samples  []sample
}

func newMeasurement(label string, resources int) *measurement {
	return &measurement{label: label, resources: resources}
}

// median is the median time of the samples.
func (m *measurement) median() time.Duration {
	return m.medianOf(func(s sample) time.Duration { return s.elapsed })
}

// medianProviderRead is the median of the data source's own reads.
func (m *measurement) medianProviderRead() time.Duration {
	return m.medianOf(func(s sample) time.Duration { return s.providerRead })
}

// medianProviderShare is the median of the provider's ReadDataSource, request to response.
func (m *measurement) medianProviderShare() time.Duration {
	return m.medianOf(func(s sample) time.Duration { return s.providerServed })
}

// medianTerraformShare is the median of what each run took besides the provider's ReadDataSource.
func (m *measurement) medianTerraformShare() time.Duration {
	return m.medianOf(func(s sample) time.Duration { return s.elapsed - s.providerServed })
}

func (m *measurement) medianOf(of func(sample) time.Duration) time.Duration {
	times := make([]time.Duration, len(m.samples))
	for i, s := range m.samples {
		times[i] = of(s)
	}
	return medianOf(times)
}

// medianOf is the median of xs (the mean of the middle two for an even count); xs is sorted in place.
func medianOf[T ~int64 | ~float64](xs []T) T {
	slices.Sort(xs)
	mid := len(xs) / 2
	if len(xs)%2 == 0 {
		return (xs[mid-1] + xs[mid]) / 2
	}
	return xs[mid]
}

// pairedRatio is the median of m's time over base's time in the same round. Samples taken in rounds
// pair up, so a slow spell of a shared machine cancels out of the ratio instead of landing on one
// side of it.
func pairedRatio(m, base *measurement) float64 {
	ratios := make([]float64, len(m.samples))
	for i := range ratios {
		ratios[i] = m.samples[i].elapsed.Seconds() / base.samples[i].elapsed.Seconds()
	}
	return medianOf(ratios)
}

// worst is the largest value of field over the samples: requests, 429s and memory are reported at
// their worst, not their median.
func (m *measurement) worst(field func(sample) int64) int64 {
	var w int64
	for _, s := range m.samples {
		w = max(w, field(s))
	}
	return w
}

func (m *measurement) requests() int64 {
	return m.worst(func(s sample) int64 { return s.requests })
}

func (m *measurement) rateLimited() int64 {
	return m.worst(func(s sample) int64 { return s.rateLimited })
}

func (m *measurement) peakRSS() int64 {
	return m.worst(func(s sample) int64 { return s.peakRSS })
}

// requestsPerResource is the worst run's requests divided by the resources.
func (m *measurement) requestsPerResource() float64 {
	return float64(m.requests()) / float64(m.resources)
}

// report is everything one benchmark run measured.
type report struct {
	opts    options
	date    time.Time
	machine machine

	apply, floor, refresh, unbatched, limited *measurement // the managed invent resources
	builtinApply, builtinPlan                 *measurement // terraform_data
	dataSource                                *measurement
	exclusive                                 *exclusiveReport   // nil when not measured
	smallConfig                               *smallConfigReport // nil when not measured
}

// bar is one criterion of the bar, judged.
type bar struct {
	name     string
	measured string
	met      bool
	timing   bool // judged on times, which only a quiet machine measures fairly
}

// ratioToFloor compares m with the floor round by round when they were sampled in rounds, else
// median to median.
func (r *report) ratioToFloor(m *measurement) float64 {
	if m.inRounds {
		return pairedRatio(m, r.floor)
	}
	return m.median().Seconds() / r.floor.median().Seconds()
}

// dataSourceRequestLimit is one request per page of sub-organizations, plus one window of the
// client's read-ahead (it fetches numbered pages a few at a time and cannot know the last in advance),
// which also covers its second reading of the last page.
func dataSourceRequestLimit(subOrgs int) int64 {
	return int64((subOrgs+subOrgPageSize-1)/subOrgPageSize + client.DefaultPageConcurrency)
}

// dataSourceRoundTrips is how many sequential round trips the client's listing takes for requests:
// the first page alone, then windows of client.DefaultPageConcurrency pages, then (when the last
// window holds pages before the last one) the last page again, alone.
func dataSourceRoundTrips(requests int64) int64 {
	if requests <= 1 {
		return requests
	}
	return 1 + (requests-1+client.DefaultPageConcurrency-1)/client.DefaultPageConcurrency
}

func (r *report) bars() []bar {
	refreshRatio := r.ratioToFloor(r.refresh)
	perResource := r.refresh.requestsPerResource()
	limitedRatio := pairedRatio(r.limited, r.refresh)
	dsRequests, dsLimit := r.dataSource.requests(), dataSourceRequestLimit(r.opts.dataSourceSubOrgs)
	dsRead, dsShare := r.dataSource.medianProviderRead(), r.dataSource.medianProviderShare()
	return append([]bar{
		{
			name:     fmt.Sprintf("refresh plan of %d resources at most %.1fx the -refresh=false plan", r.opts.resources, maxRefreshToFloor),
			measured: fmt.Sprintf("%.2fx", refreshRatio),
			met:      refreshRatio <= maxRefreshToFloor,
			timing:   true,
		},
		{
			name:     fmt.Sprintf("at most %.2f API requests per resource during the refresh", maxRequestsPerResource),
			measured: fmt.Sprintf("%.3f (%d requests)", perResource, r.refresh.requests()),
			met:      perResource <= maxRequestsPerResource,
		},
		{
			name:     fmt.Sprintf("apply of %d resources at most %.2f API requests per resource", r.opts.resources, maxApplyRequests),
			measured: fmt.Sprintf("%.3f (%d requests)", r.apply.requestsPerResource(), r.apply.requests()),
			met:      r.apply.requestsPerResource() <= maxApplyRequests,
		},
		{
			name:     fmt.Sprintf("refresh with %d requests a minute gets no 429", r.opts.rateLimit),
			measured: fmt.Sprintf("%d rate-limited", r.limited.rateLimited()),
			met:      r.limited.rateLimited() == 0,
		},
		{
			name:     fmt.Sprintf("refresh with %d requests a minute at most %.1fx the unlimited refresh", r.opts.rateLimit, maxLimitedToUnlimited),
			measured: fmt.Sprintf("%.2fx", limitedRatio),
			met:      limitedRatio <= maxLimitedToUnlimited,
			timing:   true,
		},
		{
			name: fmt.Sprintf("invent_sub_orgs over %d sub-organizations: about one request per page of %d (at most %d)",
				r.opts.dataSourceSubOrgs, subOrgPageSize, dsLimit),
			measured: fmt.Sprintf("%d requests", dsRequests),
			met:      dsRequests <= dsLimit,
		},
		{
			name: fmt.Sprintf("invent_sub_orgs over %d sub-organizations: the data source's read (its requests and the result's conversion) under %s",
				r.opts.dataSourceSubOrgs, maxDataSourceTime),
			measured: seconds(dsRead),
			met:      dsRead < maxDataSourceTime,
			timing:   true,
		},
		{
			name: fmt.Sprintf("invent_sub_orgs over %d sub-organizations: the provider's share of the plan (ReadDataSource, request to response) at most %s",
				r.opts.dataSourceSubOrgs, maxProviderShare),
			measured: seconds(dsShare),
			met:      dsShare <= maxProviderShare,
			timing:   true,
		},
	}, slices.Concat(r.exclusive.bars(), r.smallConfig.bars())...)
}

func (r *report) missedBars() []bar {
	return missed(r.bars())
}

// missed are the bars of bars not met.
func missed(bars []bar) []bar {
	var out []bar
	for _, b := range bars {
		if !b.met {
			out = append(out, b)
		}
	}
	return out
}

// markdown is the report as BENCHMARKS.md.
func (r *report) markdown() string {
	var sb strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&sb, format+"\n", args...) }
	n := r.opts.resources
	w("# Benchmarks")
	w("")
	w("Written by `make bench` (the program in `internal/bench`); run it again to refresh this file. It builds")
	w("the provider and the emulator, runs the emulator as its own process with **%s of latency added to every", r.opts.latency)
	w("request** (a SaaS API seen from a CI runner), and drives the terraform CLI through a `dev_overrides` CLI")
	w("configuration with Terraform's default parallelism (10).")
	w("")
	w("- Date: %s", r.date.Format("2006-01-02 15:04 MST"))
	w("- Command: `%s` (what `make bench` runs)", strings.TrimSpace("go run ./internal/bench "+strings.Join(r.opts.args, " ")))
	w("- Machine: %s", r.machine)
	w("- Managed resources: %d = %d `invent_invite_link` (one organization) + %d `invent_sub_org_membership` (one per generated sub-organization)", n, n/2, n/2)
	w("")
	w("## Results")
	w("")
	w("| Measured | Runs | Median time | × floor | API requests | Requests per resource | 429s | Provider peak RSS |")
	w("|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, m := range []*measurement{r.apply, r.floor, r.refresh, r.unbatched, r.limited, r.builtinApply, r.builtinPlan, r.dataSource} {
		w("| %s | %d | %s | %.2fx | %s | %s | %s | %s |", m.label, len(m.samples), seconds(m.median()), r.ratioToFloor(m),
			r.requestCell(m), r.perResourceCell(m), r.rateLimitedCell(m), rssCell(m.peakRSS()))
	}
	w("| invent_sub_orgs over %d sub-organizations: the provider's share of that plan (ReadDataSource, request to response) | %d | %s | – | – | – | – | – |",
		r.opts.dataSourceSubOrgs, len(r.dataSource.samples), seconds(r.dataSource.medianProviderShare()))
	w("")
	w("- **× floor** compares with `terraform plan -refresh=false` of the same %d invent resources: everything a", n)
	w("  plan costs but the reads (a provider whose reads cost nothing measures about 1.3x). The invent plans are")
	w("  taken in rounds (floor, refresh, `batch_reads = false`, rate-limited), and their ratio is the median of each")
	w("  round's ratio, so that a slow spell of a shared machine cancels out; the other rows divide medians. The")
	w("  rate-limited refresh is compared with the unlimited one the same way.")
	w("- Times are medians: plans of %s, applies of %s, each apply from an empty state (destroyed in", runCount(r.opts.runs), runCount(r.opts.applyRuns))
	w("  between, not timed). Every plan must find no changes.")
	w("- API requests are the emulator's count (`GET /_emulator/stats`, reset before each run), the largest of")
	w("  any run. Peak RSS is the largest `VmHWM` of any `terraform-provider-invent` process during the run,")
	w("  polled every %s; Terraform starts the provider several times per command.", rssPollInterval)
	w("- The batched refresh's requests by route: %s.", routes(r.refresh))
	w("- The apply's requests by route (its worst run): %s.", routes(r.apply))
	trips := dataSourceRoundTrips(r.dataSource.requests())
	w("- `invent_sub_orgs` fetches its first page, then %d pages at a time, then the last page again: its %d requests are %d round trips,", client.DefaultPageConcurrency, r.dataSource.requests(), trips)
	w("  %s at %s each. Of the plan's %s, the provider's share is its ReadDataSource from request to", seconds(time.Duration(trips)*r.opts.latency), r.opts.latency, seconds(r.dataSource.median()))
	w("  response, %s (median, as the provider logs it), of which the data source's own read, those", seconds(r.dataSource.medianProviderShare()))
	w("  requests and the conversion of each page into state as it arrives, took %s. The provider serves", seconds(r.dataSource.medianProviderRead()))
	w("  this read below terraform-plugin-framework, whose walks over every value of the result (semantic")
	w("  equality, ReifyNullCollectionBlocks) cannot change a value of this schema. Terraform's share, the")
	w("  plan less the provider's ReadDataSource, is %s (median of the runs): starting the provider, then", seconds(r.dataSource.medianTerraformShare()))
	w("  decoding the result and writing it into each state the plan keeps, every write going over all")
	w("  its values again, which no work in the provider changes.")
	r.smallConfig.markdown(w)
	r.exclusive.markdown(w)
	w("")
	w("## The bar")
	w("")
	writeBars(w, r.bars())
	return sb.String()
}

// writeBars writes bars as a table, each with its verdict.
func writeBars(w func(format string, args ...any), bars []bar) {
	w("| Bar | Measured | |")
	w("|---|---:|---|")
	for _, b := range bars {
		w("| %s | %s | %s |", b.name, b.measured, verdict(b))
	}
}

// document is BENCHMARKS.md as this run writes it: its report, and the scale section of the current
// file (make bench-scale writes that one) kept at the end.
func (r *report) document(current string) string {
	md := r.markdown()
	if start, end, ok := scaleSectionAt(current); ok {
		md += "\n" + strings.TrimRight(current[start:end], "\n") + "\n"
	}
	return md
}

func verdict(b bar) string {
	if b.met {
		return "met"
	}
	return "**missed**"
}

func (r *report) requestCell(m *measurement) string {
	if m == r.builtinApply || m == r.builtinPlan {
		return "–"
	}
	return fmt.Sprint(m.requests())
}

func (r *report) perResourceCell(m *measurement) string {
	if m.resources == 0 {
		return "–"
	}
	return fmt.Sprintf("%.3f", m.requestsPerResource())
}

func (r *report) rateLimitedCell(m *measurement) string {
	if m != r.limited {
		return "–"
	}
	return fmt.Sprint(m.rateLimited())
}

func rssCell(bytes int64) string {
	if bytes == 0 {
		return "–"
	}
	return mib(bytes)
}

// routes lists the requests of the worst run of m by route, in route order.
func routes(m *measurement) string {
	var worst sample
	for _, s := range m.samples {
		if s.requests >= worst.requests {
			worst = s
		}
	}
	var parts []string
	for _, route := range slices.Sorted(maps.Keys(worst.byRoute)) {
		parts = append(parts, fmt.Sprintf("`%s` %d", route, worst.byRoute[route]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func runCount(n int) string {
	if n == 1 {
		return "1 run"
	}
	return fmt.Sprintf("%d runs", n)
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func mib(bytes int64) string { return fmt.Sprintf("%.0f MiB", float64(bytes)/(1<<20)) }

// machine describes where the benchmark ran.
type machine struct {
	cpus      int
	cpuModel  string
	memory    int64 // bytes
	goVersion string
	terraform string
	platform  string
}

func (m machine) String() string {
	return fmt.Sprintf("%d CPUs (%s), %.1f GiB memory, %s; %s, Terraform %s",
		m.cpus, m.cpuModel, float64(m.memory)/(1<<30), m.platform, m.goVersion, m.terraform)
}

func describeMachine(tf *terraformCLI) machine {
	m := machine{
		cpus:      runtime.NumCPU(),
		goVersion: runtime.Version(),
		terraform: tf.version,
		platform:  runtime.GOOS + "/" + runtime.GOARCH,
		memory:    statusKB("/proc/meminfo", "MemTotal:") * 1024,
		cpuModel:  "unknown CPU",
	}
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return m // the CPU model is a nicety; the report says "unknown CPU"
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if key, value, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(key) == "model name" {
			m.cpuModel = strings.TrimSpace(value)
			break
		}
	}
	return m
}
