using System.Net;
using FedLab.Web.Tests.Infrastructure;

namespace FedLab.Web.Tests.Api;

/// <summary>
/// File-existence oracle (issue #10, item 5): a dataset.name outside the dashboard's datasets gets the same
/// answer whether or not the file exists on the server.
/// </summary>
[Collection(SharedAppCollection.Name)]
public sealed class DatasetPathOracleTests(SharedAppFixture fixture)
{
    [Fact]
    public async Task ExistingAndMissingFilesOutside_GetTheSameMessage()
    {
        var folder = Directory.CreateTempSubdirectory("fedlab-oracle-").FullName;
        try
        {
            var existing = Path.Combine(folder, "secret.csv");
            await File.WriteAllTextAsync(existing, "name,password,label\nalice,hunter2,a\n");
            var missing = Path.Combine(folder, "nothing.csv");
            var otherType = Path.Combine(folder, "secret.txt");
            await File.WriteAllTextAsync(otherType, "x");

            async Task<string> MessageAsync(string path)
            {
                var response = await fixture.App.Http.PostJsonAsync("api/runs/validate", TinySpecs.Json(dataset: path));
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                var errors = (await response.JsonAsync()).Errors().Where(e => e.Field == "dataset.name").ToList();
                return Assert.Single(errors).Message.Replace(path, "<path>", StringComparison.Ordinal);
            }

            var forExisting = await MessageAsync(existing);
            Assert.Equal(forExisting, await MessageAsync(missing));
            Assert.Equal(forExisting, await MessageAsync(otherType));
            Assert.Equal(forExisting, await MessageAsync(Path.Combine(folder, "no-such-type.xyz")));
            Assert.Contains("not a dataset this dashboard holds", forExisting, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
