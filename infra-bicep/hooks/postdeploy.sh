#!/bin/sh
# Subscribes every blob-triggered function to the storage account's Event Grid system topic.
# Flex Consumption runs blob triggers only from Event Grid, and Event Grid must call the
# host's blobs_extension webhook with the host's system key. That key exists only once the
# code is deployed and never belongs in a template, so azd runs this after `deploy`.
# The key goes from `az` output to a 0600 request body file: never on a command line, never
# in a template, an output or the azd environment.
set -eu

die() { echo "postdeploy: $*" >&2; exit 1; }

command -v az >/dev/null 2>&1 || die "the Azure CLI (az) is required"
for name in AZURE_SUBSCRIPTION_ID AZURE_RESOURCE_GROUP AZURE_FUNCTION_APP_NAME AZURE_EVENTGRID_SYSTEM_TOPIC_NAME SERVICE_API_URI; do
  eval "value=\${$name:-}"
  [ -n "$value" ] || die "$name is not set (run through azd, or export the outputs of infra-bicep/main.bicep)"
done
rg="$AZURE_RESOURCE_GROUP"
app="$AZURE_FUNCTION_APP_NAME"
topic="$AZURE_EVENTGRID_SYSTEM_TOPIC_NAME"
attempts="${DCO_HOOK_ATTEMPTS:-20}"
pause="${DCO_HOOK_RETRY_SECONDS:-15}"
api_version=2025-02-15

# Percent-encodes the characters a base64 key may contain.
url_encode() { printf '%s' "$1" | sed -e 's/%/%25/g' -e 's/+/%2B/g' -e 's#/#%2F#g' -e 's/=/%3D/g'; }

functions=$(az functionapp function list --resource-group "$rg" --name "$app" \
  --query "[?config.bindings[?type=='blobTrigger']].name" --output tsv)
if [ -z "$functions" ]; then
  echo "postdeploy: $app has no blob-triggered function; no Event Grid subscription needed"
  exit 0
fi

# The host creates the blobs_extension key when it first starts with an Event Grid blob trigger.
n=1
while :; do
  key=$(az functionapp keys list --resource-group "$rg" --name "$app" --query "systemKeys.blobs_extension" --output tsv 2>/dev/null || true)
  [ -z "$key" ] || break
  [ "$n" -lt "$attempts" ] || die "the blobs_extension system key of $app did not appear after $n attempts; is the host running? (az functionapp log / Application Insights)"
  n=$((n + 1))
  echo "postdeploy: waiting for the blobs_extension key of $app (${pause}s)" >&2
  sleep "$pause"
done
code=$(url_encode "$key")

old_umask=$(umask)
umask 077
body=$(mktemp)
umask "$old_umask"
trap 'rm -f "$body"' EXIT INT TERM

for qualified in $functions; do
  function_name=${qualified##*/}
  path=$(az functionapp function show --resource-group "$rg" --name "$app" --function-name "$function_name" \
    --query "config.bindings[?type=='blobTrigger'] | [0].path" --output tsv)
  container=${path%%/*}
  case "$container" in
    ''|*%*|*'{'*) die "$function_name: cannot read a container name from blob path '$path' (use a literal container)";;
  esac
  # Event subscription names: 3-64 letters, digits and hyphens.
  subscription=$(printf '%s' "blobs-$function_name" | tr -c 'A-Za-z0-9-' '-' | cut -c1-64)
  cat > "$body" <<JSON
{
  "properties": {
    "destination": {
      "endpointType": "WebHook",
      "properties": {
        "endpointUrl": "$SERVICE_API_URI/runtime/webhooks/blobs?functionName=Host.Functions.$function_name&code=$code",
        "maxEventsPerBatch": 1
      }
    },
    "filter": {
      "includedEventTypes": ["Microsoft.Storage.BlobCreated"],
      "subjectBeginsWith": "/blobServices/default/containers/$container/"
    },
    "eventDeliverySchema": "EventGridSchema",
    "retryPolicy": { "maxDeliveryAttempts": 30, "eventTimeToLiveInMinutes": 1440 }
  }
}
JSON
  az rest --method put \
    --url "/subscriptions/$AZURE_SUBSCRIPTION_ID/resourceGroups/$rg/providers/Microsoft.EventGrid/systemTopics/$topic/eventSubscriptions/$subscription?api-version=$api_version" \
    --body "@$body" --output none
  echo "postdeploy: $function_name receives BlobCreated events for container $container (subscription $subscription)"
done
