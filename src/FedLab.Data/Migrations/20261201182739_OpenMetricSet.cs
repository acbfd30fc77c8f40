using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FedLab.Data.Migrations
{
    /// <inheritdoc />
    public partial class OpenMetricSet : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ClientRoundMetrics",
                columns: table => new
                {
                    RunKey = table.Column<long>(type: "INTEGER", nullable: false),
                    Round = table.Column<int>(type: "INTEGER", nullable: false),
                    ClientId = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Value = table.Column<double>(type: "REAL", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ClientRoundMetrics", x => new { x.RunKey, x.Round, x.ClientId, x.Name });
                    table.ForeignKey(
                        name: "FK_ClientRoundMetrics_Runs_RunKey",
                        column: x => x.RunKey,
                        principalTable: "Runs",
                        principalColumn: "Key",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RoundMetrics",
                columns: table => new
                {
                    RunKey = table.Column<long>(type: "INTEGER", nullable: false),
                    Round = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Value = table.Column<double>(type: "REAL", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RoundMetrics", x => new { x.RunKey, x.Round, x.Name });
                    table.ForeignKey(
                        name: "FK_RoundMetrics_Runs_RunKey",
                        column: x => x.RunKey,
                        principalTable: "Runs",
                        principalColumn: "Key",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ClientRoundMetrics");

            migrationBuilder.DropTable(
                name: "RoundMetrics");
        }
    }
}
