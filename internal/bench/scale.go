package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// The scale measurement (`make bench-scale`, the -scale flag): an organization of as many
// sub-organizations as memberships (5,000 by default), the token's user joining each, against an
// emulator of its own with 20 ms of latency and no rate limit. One apply from an empty state (with
// -parallelism=20) and one refreshing plan, each with its API requests and the peak memory of the
// provider and of Terraform itself. One run of each: Terraform alone takes minutes at this size.

// The bars at scale.
const (
	maxScaleRefreshRequests = 0.02 // per resource, during the refreshing plan
	scaleApplyParallelism   = 20
	scaleHeading            = "## At scale"
)

// scaleReport is what one scale run measured.
type scaleReport struct {
	opts           options
	date           time.Time
	machine        machine
	apply, refresh *measurement
}

// scaleConfig is n memberships, one in each of the emulator's generated sub-organizations.
func scaleConfig(n int) string {
	return requiredInvent + fmt.Sprintf(`
provider "invent" {}

resource "invent_sub_org_membership" "scale" {
  count      = %d
  org_id     = %q
  sub_org_id = format("org_gen_%%05d", count.index + 1)
  role       = element(["DEVELOPER", "MANAGER", "STAFF"], count.index)
}
`, n, emulator.DefaultParentOrgID)
}

// measureScale applies the memberships, then plans them once.
func (b *bench) measureScale(ctx context.Context) (*scaleReport, error) {
	n := b.opts.resources
	r := &scaleReport{opts: b.opts, date: time.Now().UTC()}
	emu, err := startEmulator(ctx, b.bins.emulator, b.tmp+"/emulator-scale", n, b.opts.latency)
	if err != nil {
		return nil, err
	}
	defer emu.stop()
	dir, err := b.workspace("scale", scaleConfig(n))
	if err != nil {
		return nil, err
	}
	env := apiEnv(emu)
	r.apply = newMeasurement(fmt.Sprintf("invent: apply %d memberships (-parallelism=%d)", n, scaleApplyParallelism), n)
	if err := b.sample(ctx, emu, r.apply, 1, func() (tfRun, error) {
		return b.tf.run(ctx, dir, env, "apply", "-auto-approve", fmt.Sprintf("-parallelism=%d", scaleApplyParallelism))
	}); err != nil {
		return nil, err
	}
	r.refresh = newMeasurement(fmt.Sprintf("invent: refresh plan of %d memberships", n), n)
	if err := b.sample(ctx, emu, r.refresh, 1, func() (tfRun, error) {
		return b.tf.run(ctx, dir, env, "plan", "-detailed-exitcode")
	}); err != nil {
		return nil, err
	}
	r.machine = describeMachine(b.tf)
	return r, nil
}

func (r *scaleReport) bars() []bar {
	n := r.opts.resources
	var bars []bar
	for _, m := range []*measurement{r.apply, r.refresh} {
		provider, terraform := m.peakRSS(), m.worst(func(s sample) int64 { return s.terraformPeakRSS })
		bars = append(bars, bar{
			name:     fmt.Sprintf("%s: the provider's peak RSS below Terraform's", m.label),
			measured: fmt.Sprintf("%s against %s", mib(provider), mib(terraform)),
			met:      provider < terraform,
		})
	}
	return append(bars,
		bar{
			name:     fmt.Sprintf("refresh plan of %d memberships at most %.2f API requests per resource", n, maxScaleRefreshRequests),
			measured: fmt.Sprintf("%.3f (%d requests)", r.refresh.requestsPerResource(), r.refresh.requests()),
			met:      r.refresh.requestsPerResource() <= maxScaleRefreshRequests,
		},
		bar{
			name:     fmt.Sprintf("apply of %d memberships at most %.2f API requests per resource", n, maxApplyRequests),
			measured: fmt.Sprintf("%.3f (%d requests)", r.apply.requestsPerResource(), r.apply.requests()),
			met:      r.apply.requestsPerResource() <= maxApplyRequests,
		},
	)
}

// document is BENCHMARKS.md with its scale section replaced by this run's (or added at the end).
func (r *scaleReport) document(current string) string {
	return withSection(current, r.markdown())
}

// markdown is the scale section of BENCHMARKS.md.
func (r *scaleReport) markdown() string {
	var sb strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&sb, format+"\n", args...) }
	n := r.opts.resources
	w(scaleHeading)
	w("")
	w("Written by `make bench-scale` (`%s`) on %s.", strings.TrimSpace("go run ./internal/bench "+strings.Join(r.opts.args, " ")), r.date.Format("2006-01-02 15:04 MST"))
	w("%d `invent_sub_org_membership`, one in each of %d generated sub-organizations of one organization, against", n, n)
	w("an emulator of its own with %s of latency and no rate limit; one run of each, since Terraform alone", r.opts.latency)
	w("takes minutes at this size. Machine: %s.", r.machine)
	w("")
	w("| Measured | Time | API requests | Requests per resource | Provider peak RSS | Terraform peak RSS |")
	w("|---|---:|---:|---:|---:|---:|")
	for _, m := range []*measurement{r.apply, r.refresh} {
		w("| %s | %s | %d | %.3f | %s | %s |", m.label, seconds(m.median()), m.requests(), m.requestsPerResource(),
			rssCell(m.peakRSS()), rssCell(m.worst(func(s sample) int64 { return s.terraformPeakRSS })))
	}
	w("")
	w("- The apply's requests by route: %s.", routes(r.apply))
	w("- The refresh's requests by route: %s.", routes(r.refresh))
	w("- Peak RSS is the largest `VmHWM` of any provider process, and of the terraform process, during the run.")
	pages := (n + subOrgPageSize - 1) / subOrgPageSize
	w("- The request bars ask more than the read cache's bound (per listing, requests <= reads + 1) lets any rule")
	w("  promise: until a read has been answered, only the listing's first page may be fetched, and Terraform reads")
	w("  in an order unrelated to the listing's, so a read finds its object on that page about once in %d. The", pages)
	w("  GETs spent before the pages pay for themselves are chance's share; the apply pays it twice, in its plan's")
	w("  checks and in its creation guards (two provider processes).")
	w("")
	writeBars(w, r.bars())
	return sb.String()
}

// scaleSectionAt is where doc's scale section is, from its heading to the next second-level heading
// or the end; ok is false when doc has none.
func scaleSectionAt(doc string) (start, end int, ok bool) {
	i := strings.Index(doc, "\n"+scaleHeading+"\n")
	if i < 0 {
		return 0, 0, false
	}
	start = i + 1
	if j := strings.Index(doc[start+len(scaleHeading):], "\n## "); j >= 0 {
		return start, start + len(scaleHeading) + j + 1, true
	}
	return start, len(doc), true
}

// withSection is doc with its scale section replaced by section, or with section added at the end
// when doc has none.
func withSection(doc, section string) string {
	start, end, ok := scaleSectionAt(doc)
	switch {
	case !ok:
		return strings.TrimRight(doc, "\n") + "\n\n" + section
	case end < len(doc):
		return doc[:start] + section + "\n" + doc[end:]
	}
	return doc[:start] + section
}
