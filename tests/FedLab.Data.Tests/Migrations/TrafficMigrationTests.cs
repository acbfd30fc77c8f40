using FedLab.Engine.Runs;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace FedLab.Data.Tests.Migrations;

public sealed class TrafficMigrationTests
{
    private const string Initial = "20261125020954_Initial";

    /// <summary>
    /// A database created by the first release (ten fixed byte columns on Rounds and ClientRounds) with rows in it is
    /// migrated to traffic rows: every kind's bytes read back the same, the old columns are gone, and client rounds
    /// are "ok".
    /// </summary>
    [Fact]
    public async Task Migrate_FromFixedByteColumns_KeepsEveryKindsBytes()
    {
        var folder = Path.Combine(Path.GetTempPath(), "fedlab-migrate-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            await using (var services = new ServiceCollection().AddFedLabData(Path.Combine(folder, "fedlab.db"), Path.Combine(folder, "checkpoints")).BuildServiceProvider())
            {
                var contexts = services.GetRequiredService<IDbContextFactory<FedLabDbContext>>();
                await using (var db = await contexts.CreateDbContextAsync())
                {
                    await db.GetService<IMigrator>().MigrateAsync(Initial);
                }
                // The Runs table is the same in both versions, so the store can create the run at the old schema.
                var store = services.GetRequiredService<RunStore>();
                var runId = await store.CreateRunAsync(TinySpecs.FedLlm(clients: 2, rounds: 1), null, default);
                await using (var db = await contexts.CreateDbContextAsync())
                {
                    var key = await db.Runs.Where(r => r.Id == runId).Select(r => r.Key).SingleAsync();
                    // The key is the run's own integer key, not input.
                    var rows = $"""
                        INSERT INTO Rounds (RunKey, Round, Accuracy, MacroF1, Loss, EvalExamples, Clients, BytesUp, BytesDown,
                          UpParameters, UpLogits, UpActivations, UpActivationGradients, UpLabels,
                          DownParameters, DownLogits, DownActivations, DownActivationGradients, DownLabels,
                          ClientFlops, ClientSeconds, ServerSeconds, EvalSeconds, WallSeconds, FinishedAt)
                        VALUES ({key}, 0, 0.5, 0.4, 0.7, 40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, '2026-11-24 12:00:00'),
                               ({key}, 1, 0.8, 0.7, 0.3, 40, 2, 1111, 2222, 1000, 100, 0, 0, 11, 2000, 0, 0, 222, 0, 2e9, 0.5, 0.1, 0.2, 1.5, '2026-11-24 12:00:01');
                        INSERT INTO ClientRounds (RunKey, Round, ClientId, Examples, Steps, TrainLoss, BytesUp, BytesDown,
                          UpParameters, UpLogits, UpActivations, UpActivationGradients, UpLabels,
                          DownParameters, DownLogits, DownActivations, DownActivationGradients, DownLabels, Flops, Seconds)
                        VALUES ({key}, 1, 0, 40, 2, 0.4, 600, 1111, 500, 100, 0, 0, 0, 1000, 0, 0, 111, 0, 1e9, 0.25),
                               ({key}, 1, 1, 41, 2, 0.5, 511, 1111, 500, 0, 0, 0, 11, 1000, 0, 0, 111, 0, 1e9, 0.25);
                        """;
                    await db.Database.ExecuteSqlRawAsync(rows);
                }

                await DatabaseInitializer.MigrateAsync(contexts, default);

                var run = await store.GetRunAsync(runId, default);
                Assert.NotNull(run);
                var round = run.Rounds.Single(r => r.Round == 1);
                Assert.Equal((1000, 100, 11, 0L), (round.Up[PayloadKind.Parameters], round.Up[PayloadKind.Logits], round.Up[PayloadKind.Labels], round.Up[PayloadKind.ActivationGradients]));
                Assert.Equal((2000, 222, 0L), (round.Down[PayloadKind.Parameters], round.Down[PayloadKind.ActivationGradients], round.Down[PayloadKind.Logits]));
                Assert.Equal([PayloadKind.Parameters, PayloadKind.Logits, PayloadKind.Labels], round.Up.Kinds);
                Assert.Equal(PayloadBytes.Zero, run.Rounds.Single(r => r.Round == 0).Up);
                var c0 = run.ClientRounds.Single(c => c.ClientId == 0);
                var c1 = run.ClientRounds.Single(c => c.ClientId == 1);
                Assert.Equal((500, 100, 1000, 111L), (c0.Up[PayloadKind.Parameters], c0.Up[PayloadKind.Logits], c0.Down[PayloadKind.Parameters], c0.Down[PayloadKind.ActivationGradients]));
                Assert.Equal((500, 11L), (c1.Up[PayloadKind.Parameters], c1.Up[PayloadKind.Labels]));
                Assert.All(run.ClientRounds, c => Assert.Equal(ClientRoundStatus.Ok, c.Status));
                var series = (await store.GetSeriesAsync([runId], default)).Single();
                Assert.Equal(0.002, series.CumulativeMbDownByKind[PayloadKind.Parameters][^1], 12);
                Assert.Equal(0.000011, series.CumulativeMbUpByKind[PayloadKind.Labels][^1], 12);

                using var connection = new SqliteConnection($"Data Source={Path.Combine(folder, "fedlab.db")}");
                connection.Open();
                using var columns = connection.CreateCommand();
                columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('Rounds') WHERE name LIKE 'Up%' OR name LIKE 'Down%'";
                Assert.Equal(0L, (long)columns.ExecuteScalar()!);
                columns.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('RoundTraffic', 'ClientRoundTraffic') AND sql LIKE '%WITHOUT ROWID%'";
                Assert.Equal(2L, (long)columns.ExecuteScalar()!);
                connection.Close();
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
