#!/bin/sh
# Tracking-token signing keys: the versions of one Key Vault secret (TRACKING_SIGNING_KEY_SECRET_NAME
# in AZURE_KEY_VAULT_NAME). The app signs with the newest enabled version and accepts every
# enabled version, so a rotation never breaks a URL already handed out. Each value is 32 random
# bytes, base64. Run by azd (postprovision: `ensure`) or by hand after `azd env get-values`.
#
#   signing-key.sh ensure            create the first key if the secret does not exist yet
#   signing-key.sh rotate            add a new version; it signs from the app's next key refresh
#   signing-key.sh list              show versions, newest last
#   signing-key.sh disable VERSION   stop accepting an old version (never the newest)
#
# The key never appears on a command line: it goes from openssl to a 0600 temp file to az.
set -eu

die() { echo "signing-key: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: signing-key.sh ensure|rotate|list|disable VERSION"
command -v az >/dev/null 2>&1 || die "the Azure CLI (az) is required"
vault="${AZURE_KEY_VAULT_NAME:-}"
secret="${TRACKING_SIGNING_KEY_SECRET_NAME:-}"
[ -n "$vault" ] || die "AZURE_KEY_VAULT_NAME is not set (run through azd, or export the outputs of infra-bicep/main.bicep)"
[ -n "$secret" ] || die "TRACKING_SIGNING_KEY_SECRET_NAME is not set (run through azd, or export the outputs of infra-bicep/main.bicep)"
attempts="${DCO_HOOK_ATTEMPTS:-12}"
pause="${DCO_HOOK_RETRY_SECONDS:-15}"

add_version() {
  command -v openssl >/dev/null 2>&1 || die "openssl is required to generate a key"
  old_umask=$(umask)
  umask 077
  key_file=$(mktemp)
  umask "$old_umask"
  trap 'rm -f "$key_file"' EXIT INT TERM
  openssl rand -base64 32 | tr -d '\n' > "$key_file"
  n=1
  # A role assignment made by this deployment can take a few minutes to reach Key Vault.
  until az keyvault secret set --vault-name "$vault" --name "$secret" --file "$key_file" --encoding utf-8 \
    --content-type "application/octet-stream; encoding=base64" --tags purpose=tracking-signing \
    --query id --output tsv; do
    [ "$n" -lt "$attempts" ] || die "could not write $secret to $vault after $n attempts (do you hold Key Vault Secrets Officer on it? see docs/deploy.md)"
    n=$((n + 1))
    echo "signing-key: write refused, retrying in ${pause}s (role assignments propagate slowly)" >&2
    sleep "$pause"
  done
  rm -f "$key_file"
  trap - EXIT INT TERM
}

newest_version() {
  az keyvault secret show --vault-name "$vault" --name "$secret" --query id --output tsv | sed 's#.*/##'
}

case "$1" in
  ensure)
    n=1
    while :; do
      if err=$(az keyvault secret show --vault-name "$vault" --name "$secret" --query id --output tsv 2>&1 >/dev/null); then
        echo "signing-key: $secret already exists in $vault; left unchanged"
        exit 0
      fi
      case "$err" in
        *SecretNotFound*|*"was not found"*)
          add_version >/dev/null
          echo "signing-key: created the first version of $secret in $vault"
          exit 0
          ;;
      esac
      [ "$n" -lt "$attempts" ] || die "cannot read $secret in $vault: $err"
      n=$((n + 1))
      echo "signing-key: read refused, retrying in ${pause}s (role assignments propagate slowly)" >&2
      sleep "$pause"
    done
    ;;
  rotate)
    add_version >/dev/null
    echo "signing-key: added version $(newest_version) of $secret; it signs new tokens after the app's next key refresh."
    echo "signing-key: keep the previous version enabled until every token signed with it has expired, then run:"
    echo "  infra-bicep/hooks/signing-key.sh disable <previous version>"
    ;;
  list)
    az keyvault secret list-versions --vault-name "$vault" --name "$secret" \
      --query "sort_by(@, &attributes.created)[].{version: id, enabled: attributes.enabled, created: attributes.created}" \
      --output table
    ;;
  disable)
    [ $# -eq 2 ] || die "usage: signing-key.sh disable VERSION"
    version=${2##*/}
    [ "$version" != "$(newest_version)" ] || die "refusing to disable $version: it is the newest version, the one that signs (rotate first)"
    az keyvault secret set-attributes --vault-name "$vault" --name "$secret" --version "$version" --enabled false --output none
    echo "signing-key: version $version of $secret disabled; tokens signed with it are no longer accepted."
    ;;
  *)
    die "unknown command '$1' (ensure|rotate|list|disable VERSION)"
    ;;
esac
