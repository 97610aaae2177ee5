Console.WriteLine("DevHost placeholder");
