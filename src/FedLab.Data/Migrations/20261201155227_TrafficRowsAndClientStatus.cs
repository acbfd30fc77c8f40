using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FedLab.Data.Migrations
{
    /// <inheritdoc />
    /// <summary>
    /// Payload bytes become rows (RoundTraffic, ClientRoundTraffic: one per run, round, [client,] kind name, with both
    /// directions) instead of ten fixed columns on Rounds and ClientRounds, so a new payload kind needs no schema
    /// change; existing rows' bytes are moved across before the columns are dropped. Client rounds gain a status
    /// ("ok" or a failure kind) and a reason.
    /// </summary>
    public partial class TrafficRowsAndClientStatus : Migration
    {
        // The dropped columns' suffix and the payload kind name they held (FedLab.Engine.Runs.PayloadKind; fixed here,
        // as a migration must not change with the code).
        private static readonly (string Column, string Kind)[] KindColumns =
        [
            ("Parameters", "parameters"),
            ("Logits", "logits"),
            ("Activations", "activations"),
            ("ActivationGradients", "activationGradients"),
            ("Labels", "labels"),
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Created by hand, WITHOUT ROWID: the rows live in the primary key's own b-tree, so the recorder writes one
            // b-tree entry per traffic row instead of two (a rowid table plus its key index), which keeps a round's
            // transaction small. EF knows these tables through the model as usual; a later migration that rebuilds
            // them would need to keep the clause.
            migrationBuilder.Sql("""
                CREATE TABLE "ClientRoundTraffic" (
                    "RunKey" INTEGER NOT NULL,
                    "Round" INTEGER NOT NULL,
                    "ClientId" INTEGER NOT NULL,
                    "Kind" TEXT NOT NULL,
                    "BytesUp" INTEGER NOT NULL,
                    "BytesDown" INTEGER NOT NULL,
                    CONSTRAINT "PK_ClientRoundTraffic" PRIMARY KEY ("RunKey", "Round", "ClientId", "Kind"),
                    CONSTRAINT "FK_ClientRoundTraffic_Runs_RunKey" FOREIGN KEY ("RunKey") REFERENCES "Runs" ("Key") ON DELETE CASCADE
                ) WITHOUT ROWID;
                """);
            migrationBuilder.Sql("""
                CREATE TABLE "RoundTraffic" (
                    "RunKey" INTEGER NOT NULL,
                    "Round" INTEGER NOT NULL,
                    "Kind" TEXT NOT NULL,
                    "BytesUp" INTEGER NOT NULL,
                    "BytesDown" INTEGER NOT NULL,
                    CONSTRAINT "PK_RoundTraffic" PRIMARY KEY ("RunKey", "Round", "Kind"),
                    CONSTRAINT "FK_RoundTraffic_Runs_RunKey" FOREIGN KEY ("RunKey") REFERENCES "Runs" ("Key") ON DELETE CASCADE
                ) WITHOUT ROWID;
                """);

            // Move every stored byte count into the traffic tables BEFORE the fixed columns go: a kind becomes a row
            // (its kind name, up, down) where either direction carried bytes.
            foreach (var (column, kind) in KindColumns)
            {
                migrationBuilder.Sql($"""
                    INSERT INTO "RoundTraffic" ("RunKey", "Round", "Kind", "BytesUp", "BytesDown")
                    SELECT "RunKey", "Round", '{kind}', "Up{column}", "Down{column}" FROM "Rounds"
                    WHERE "Up{column}" <> 0 OR "Down{column}" <> 0;
                    """);
                migrationBuilder.Sql($"""
                    INSERT INTO "ClientRoundTraffic" ("RunKey", "Round", "ClientId", "Kind", "BytesUp", "BytesDown")
                    SELECT "RunKey", "Round", "ClientId", '{kind}', "Up{column}", "Down{column}" FROM "ClientRounds"
                    WHERE "Up{column}" <> 0 OR "Down{column}" <> 0;
                    """);
            }

            migrationBuilder.AddColumn<string>(
                name: "Reason",
                table: "ClientRounds",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "ClientRounds",
                type: "TEXT",
                maxLength: 40,
                nullable: false,
                defaultValue: "ok");


            migrationBuilder.DropColumn(
                name: "DownActivationGradients",
                table: "Rounds");

            migrationBuilder.DropColumn(
                name: "DownActivations",
                table: "Rounds");

            migrationBuilder.DropColumn(
                name: "DownLabels",
                table: "Rounds");

            migrationBuilder.DropColumn(
                name: "DownLogits",
                table: "Rounds");

            migrationBuilder.DropColumn(
                name: "DownParameters",
                table: "Rounds");

            migrationBuilder.DropColumn(
                name: "UpActivationGradients",
                table: "Rounds");

            migrationBuilder.DropColumn(
                name: "UpActivations",
                table: "Rounds");

            migrationBuilder.DropColumn(
                name: "UpLabels",
                table: "Rounds");

            migrationBuilder.DropColumn(
                name: "UpLogits",
                table: "Rounds");

            migrationBuilder.DropColumn(
                name: "UpParameters",
                table: "Rounds");

            migrationBuilder.DropColumn(
                name: "DownActivationGradients",
                table: "ClientRounds");

            migrationBuilder.DropColumn(
                name: "DownActivations",
                table: "ClientRounds");

            migrationBuilder.DropColumn(
                name: "DownLabels",
                table: "ClientRounds");

            migrationBuilder.DropColumn(
                name: "DownLogits",
                table: "ClientRounds");

            migrationBuilder.DropColumn(
                name: "DownParameters",
                table: "ClientRounds");

            migrationBuilder.DropColumn(
                name: "UpActivationGradients",
                table: "ClientRounds");

            migrationBuilder.DropColumn(
                name: "UpActivations",
                table: "ClientRounds");

            migrationBuilder.DropColumn(
                name: "UpLabels",
                table: "ClientRounds");

            migrationBuilder.DropColumn(
                name: "UpLogits",
                table: "ClientRounds");

            migrationBuilder.DropColumn(
                name: "UpParameters",
                table: "ClientRounds");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "DownActivationGradients",
                table: "Rounds",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "DownActivations",
                table: "Rounds",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "DownLabels",
                table: "Rounds",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "DownLogits",
                table: "Rounds",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "DownParameters",
                table: "Rounds",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "UpActivationGradients",
                table: "Rounds",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "UpActivations",
                table: "Rounds",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "UpLabels",
                table: "Rounds",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "UpLogits",
                table: "Rounds",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "UpParameters",
                table: "Rounds",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "DownActivationGradients",
                table: "ClientRounds",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "DownActivations",
                table: "ClientRounds",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "DownLabels",
                table: "ClientRounds",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "DownLogits",
                table: "ClientRounds",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "DownParameters",
                table: "ClientRounds",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "UpActivationGradients",
                table: "ClientRounds",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "UpActivations",
                table: "ClientRounds",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "UpLabels",
                table: "ClientRounds",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "UpLogits",
                table: "ClientRounds",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "UpParameters",
                table: "ClientRounds",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            // Back into the fixed columns; kinds other than the five well-known ones have no column and are lost.
            foreach (var (column, kind) in KindColumns)
            {
                migrationBuilder.Sql($"""
                    UPDATE "Rounds" SET
                      "Up{column}" = COALESCE((SELECT t."BytesUp" FROM "RoundTraffic" t WHERE t."RunKey" = "Rounds"."RunKey" AND t."Round" = "Rounds"."Round" AND t."Kind" = '{kind}'), 0),
                      "Down{column}" = COALESCE((SELECT t."BytesDown" FROM "RoundTraffic" t WHERE t."RunKey" = "Rounds"."RunKey" AND t."Round" = "Rounds"."Round" AND t."Kind" = '{kind}'), 0);
                    """);
                migrationBuilder.Sql($"""
                    UPDATE "ClientRounds" SET
                      "Up{column}" = COALESCE((SELECT t."BytesUp" FROM "ClientRoundTraffic" t WHERE t."RunKey" = "ClientRounds"."RunKey" AND t."Round" = "ClientRounds"."Round" AND t."ClientId" = "ClientRounds"."ClientId" AND t."Kind" = '{kind}'), 0),
                      "Down{column}" = COALESCE((SELECT t."BytesDown" FROM "ClientRoundTraffic" t WHERE t."RunKey" = "ClientRounds"."RunKey" AND t."Round" = "ClientRounds"."Round" AND t."ClientId" = "ClientRounds"."ClientId" AND t."Kind" = '{kind}'), 0);
                    """);
            }

            migrationBuilder.DropTable(
                name: "ClientRoundTraffic");

            migrationBuilder.DropTable(
                name: "RoundTraffic");

            migrationBuilder.DropColumn(
                name: "Reason",
                table: "ClientRounds");

            migrationBuilder.DropColumn(
                name: "Status",
                table: "ClientRounds");
        }
    }
}
