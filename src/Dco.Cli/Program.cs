using Dco.Cli;

return DcoCli.Create().Parse(args).Invoke();
