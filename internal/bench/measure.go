package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// bench is one benchmark run: the built programs, the terraform CLI and where it all happens.
type bench struct {
	opts options
	bins binaries
	tf   *terraformCLI
	tmp  string
	logf func(format string, args ...any)
}

// measureAll takes every measurement of the report, in an order that keeps each emulator's state
// what the next measurement expects.
func (b *bench) measureAll(ctx context.Context) (*report, error) {
	rep := &report{opts: b.opts, date: time.Now().UTC()}
	if err := b.measureManaged(ctx, rep); err != nil {
		return nil, err
	}
	if err := b.measureBuiltin(ctx, rep); err != nil {
		return nil, err
	}
	if err := b.measureDataSource(ctx, rep); err != nil {
		return nil, err
	}
	if err := b.measureSmallConfig(ctx, rep); err != nil {
		return nil, err
	}
	if err := b.measureExclusive(ctx, rep); err != nil {
		return nil, err
	}
	rep.machine = describeMachine(b.tf)
	return rep, nil
}

// requiredInvent starts every configuration of the bench: the provider, served by dev_overrides.
const requiredInvent = `terraform {
  required_providers {
    invent = {
      source = "orgkit/invent"
    }
  }
}
`

// batchReadsVariable lets one configuration be planned both with and without batch_reads.
const batchReadsVariable = `
variable "batch_reads" {
  type    = bool
  default = true
}
`

// managedConfig is n resources: n/2 organization invite links and n/2 memberships in the emulator's
// generated sub-organizations. batch_reads is a variable so that one configuration serves both ways.
func managedConfig(n int) string {
	return requiredInvent + batchReadsVariable + fmt.Sprintf(`
# base_url and api_token come from INVENT_BASE_URL and INVENT_API_TOKEN.
provider "invent" {
  batch_reads = var.batch_reads
}

resource "invent_invite_link" "bench" {
  count  = %[1]d
  org_id = %[2]q
  role   = element(["admin", "create", "edit", "review", "comment", "read", "guest"], count.index)
}

resource "invent_sub_org_membership" "bench" {
  count      = %[1]d
  org_id     = %[2]q
  sub_org_id = format("org_gen_%%05d", count.index + 1)
  role       = element(["DEVELOPER", "MANAGER", "STAFF"], count.index)
}
`, n/2, emulator.DefaultParentOrgID)
}

func builtinConfig(n int) string {
	return fmt.Sprintf(`resource "terraform_data" "bench" {
  count = %d
  input = count.index
}
`, n)
}

func dataSourceConfig() string {
	return requiredInvent + fmt.Sprintf(`
provider "invent" {}

data "invent_sub_orgs" "all" {
  org_id = %q
}
`, emulator.DefaultParentOrgID)
}

// measureManaged applies the managed resources, then plans them in rounds: each round takes one
// sample of the floor, the batched refresh, the unbatched refresh and the rate-limited refresh, so
// that a slow spell of the machine weighs on all of them alike.
func (b *bench) measureManaged(ctx context.Context, rep *report) error {
	n := b.opts.resources
	emu, err := startEmulator(ctx, b.bins.emulator, b.tmp+"/emulator-managed", n/2, b.opts.latency)
	if err != nil {
		return err
	}
	defer emu.stop()
	dir, err := b.workspace("managed", managedConfig(n))
	if err != nil {
		return err
	}
	env := apiEnv(emu)

	rep.apply = newMeasurement(fmt.Sprintf("invent: apply %d resources", n), n)
	for i := range b.opts.applyRuns {
		if i > 0 {
			b.logf("    destroying for the next apply")
			if _, err := b.tf.run(ctx, dir, env, "destroy", "-auto-approve"); err != nil {
				return err
			}
		}
		if err := b.sample(ctx, emu, rep.apply, b.opts.applyRuns, func() (tfRun, error) {
			return b.tf.run(ctx, dir, env, "apply", "-auto-approve")
		}); err != nil {
			return err
		}
	}

	rep.floor = newMeasurement("invent: plan -refresh=false (the floor)", n)
	rep.refresh = newMeasurement("invent: refresh plan", n)
	rep.unbatched = newMeasurement("invent: refresh plan, batch_reads = false", n)
	rep.limited = newMeasurement(fmt.Sprintf("invent: refresh plan, %d requests a minute", b.opts.rateLimit), n)
	for _, m := range []*measurement{rep.floor, rep.refresh, rep.unbatched, rep.limited} {
		m.inRounds = true
	}
	plan := func(extra ...string) func() (tfRun, error) {
		return func() (tfRun, error) {
			return b.tf.run(ctx, dir, env, append([]string{"plan", "-detailed-exitcode"}, extra...)...)
		}
	}
	for range b.opts.runs {
		for _, s := range []struct {
			m  *measurement
			op func() (tfRun, error)
		}{
			{rep.floor, plan("-refresh=false")},
			{rep.refresh, plan()},
			{rep.unbatched, plan("-var", "batch_reads=false")},
		} {
			if err := b.sample(ctx, emu, s.m, b.opts.runs, s.op); err != nil {
				return err
			}
		}
		if err := emu.setRateLimit(ctx, b.opts.rateLimit); err != nil {
			return err
		}
		if err := b.sample(ctx, emu, rep.limited, b.opts.runs, plan()); err != nil {
			return err
		}
		if err := emu.setRateLimit(ctx, 0); err != nil {
			return err
		}
	}
	return nil
}

// measureBuiltin applies and plans the same number of terraform_data resources: what Terraform
// itself costs, without any provider.
func (b *bench) measureBuiltin(ctx context.Context, rep *report) error {
	n := b.opts.resources
	dir, err := b.workspace("builtin", builtinConfig(n))
	if err != nil {
		return err
	}
	rep.builtinApply = newMeasurement(fmt.Sprintf("terraform_data: apply %d resources", n), 0)
	for range b.opts.applyRuns {
		if err := os.Remove(dir + "/terraform.tfstate"); err != nil && !os.IsNotExist(err) {
			return err
		}
		if err := b.sample(ctx, nil, rep.builtinApply, b.opts.applyRuns, func() (tfRun, error) {
			return b.tf.run(ctx, dir, nil, "apply", "-auto-approve")
		}); err != nil {
			return err
		}
	}
	rep.builtinPlan = newMeasurement(fmt.Sprintf("terraform_data: plan %d resources", n), 0)
	return b.samplePlans(ctx, nil, rep.builtinPlan, dir, nil)
}

// measureDataSource plans a configuration whose only object is the invent_sub_orgs data source, on
// an emulator of its own with many sub-organizations. Besides the whole plan it records, from the
// provider's log, the provider's share of it (its ReadDataSource, from request to response) and the
// data source's own read within that (its requests and the result's conversion): the rest of the plan
// is Terraform's.
func (b *bench) measureDataSource(ctx context.Context, rep *report) error {
	emu, err := startEmulator(ctx, b.bins.emulator, b.tmp+"/emulator-datasource", b.opts.dataSourceSubOrgs, b.opts.latency)
	if err != nil {
		return err
	}
	defer emu.stop()
	dir, err := b.workspace("datasource", dataSourceConfig())
	if err != nil {
		return err
	}
	rep.dataSource = newMeasurement(fmt.Sprintf("invent_sub_orgs over %d sub-organizations: plan", b.opts.dataSourceSubOrgs), 0)
	env := append(apiEnv(emu), "TF_LOG_PROVIDER=DEBUG")
	for range b.opts.runs {
		var read, served time.Duration
		if err := b.sample(ctx, emu, rep.dataSource, b.opts.runs, func() (tfRun, error) {
			res, err := b.tf.run(ctx, dir, env, "plan", "-detailed-exitcode")
			if err == nil {
				read, err = loggedMillis(res.logPath, "Read sub-organizations", "read_ms")
			}
			if err == nil {
				served, err = loggedMillis(res.logPath, "Served ReadDataSource", "served_ms")
			}
			return res, err
		}); err != nil {
			return err
		}
		s := &rep.dataSource.samples[len(rep.dataSource.samples)-1]
		s.providerRead, s.providerServed = read, served
	}
	return nil
}

// samplePlans takes the configured number of samples of a plan in dir, which must find no changes.
func (b *bench) samplePlans(ctx context.Context, emu *emulatorProcess, m *measurement, dir string, env []string) error {
	for range b.opts.runs {
		if err := b.sample(ctx, emu, m, b.opts.runs, func() (tfRun, error) {
			return b.tf.run(ctx, dir, env, "plan", "-detailed-exitcode")
		}); err != nil {
			return err
		}
	}
	return nil
}

// apiEnv points the provider at emu as the fixture's admin.
func apiEnv(emu *emulatorProcess) []string {
	return []string{"INVENT_BASE_URL=" + emu.url, "INVENT_API_TOKEN=" + emulator.DefaultAdminToken}
}

// workspace is a new directory holding config as main.tf.
func (b *bench) workspace(name, config string) (string, error) {
	dir := b.tmp + "/" + name
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return dir, os.WriteFile(dir+"/main.tf", []byte(config), 0o644)
}

// sample runs op once and adds its cost to m: the time, the provider's peak memory and, with an
// emulator, the requests it served (counters reset just before).
func (b *bench) sample(ctx context.Context, emu *emulatorProcess, m *measurement, runs int, op func() (tfRun, error)) error {
	if emu != nil {
		if err := emu.resetStats(ctx); err != nil {
			return err
		}
	}
	res, err := op()
	if err != nil {
		return err
	}
	s := sample{elapsed: res.elapsed, peakRSS: res.peakRSS, terraformPeakRSS: res.terraformPeakRSS}
	if emu != nil {
		stats, err := emu.stats(ctx)
		if err != nil {
			return err
		}
		s.requests, s.rateLimited, s.byRoute = stats.Total, stats.RateLimited, stats.ByRoute
	}
	m.samples = append(m.samples, s)
	line := fmt.Sprintf("%-58s %d/%d  %7.2f s", m.label, len(m.samples), runs, s.elapsed.Seconds())
	if emu != nil {
		line += fmt.Sprintf("  %5d requests  %d rate-limited", s.requests, s.rateLimited)
	}
	if s.peakRSS > 0 {
		line += "  provider peak RSS " + mib(s.peakRSS)
	}
	b.logf("%s", line)
	return nil
}
