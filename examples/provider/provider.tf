terraform {
  required_providers {
    invent = {
      source = "orgkit/invent"
    }
  }
}

# Prefer the environment for the API key, so that it never appears in configuration:
#
#   export INVENT_API_TOKEN="..."
#   export INVENT_BASE_URL="http://127.0.0.1:8787" # only for the local emulator
provider "invent" {
  # To talk to the local emulator (`invent-emulator -addr 127.0.0.1:8787`) instead of
  # https://api.useinvent.com, set the base URL here or in INVENT_BASE_URL:
  # base_url = "http://127.0.0.1:8787"

  # Optional tuning; the values shown are the defaults.
  # max_retries = 5
  # batch_reads = true
}
