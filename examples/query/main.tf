# The provider for `terraform query` (Terraform 1.14+): the list blocks are in main.tfquery.hcl.
terraform {
  required_providers {
    invent = {
      source = "orgkit/invent"
    }
  }
}

# export INVENT_API_TOKEN=...   (and INVENT_BASE_URL=http://127.0.0.1:8787 for the local emulator)
provider "invent" {}
