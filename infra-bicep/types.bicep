// Shared types for the modules.

@export()
@description('Tags for every resource: azd-env-name always; the Function App adds azd-service-name.')
type resourceTags = {
  @description('The azd environment that owns the resource.')
  'azd-env-name': string
  @description('Further tags, e.g. azd-service-name on the Function App.')
  *: string
}
