Console.Error.WriteLine("usage: dco-cli <command> (commands arrive with the decision engine)");
return 2;
