using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FedLab.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Experiments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Experiments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Runs",
                columns: table => new
                {
                    Key = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ExperimentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    SpecJson = table.Column<string>(type: "TEXT", nullable: false),
                    Framework = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Model = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Dataset = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    PartitionKind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Clients = table.Column<int>(type: "INTEGER", nullable: false),
                    Alpha = table.Column<double>(type: "REAL", nullable: true),
                    Seed = table.Column<int>(type: "INTEGER", nullable: false),
                    Device = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Error = table.Column<string>(type: "TEXT", nullable: true),
                    EngineVersion = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Resumes = table.Column<int>(type: "INTEGER", nullable: false),
                    OwnerHost = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    OwnerPid = table.Column<int>(type: "INTEGER", nullable: true),
                    OwnerStartedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    TotalRounds = table.Column<int>(type: "INTEGER", nullable: false),
                    LastRound = table.Column<int>(type: "INTEGER", nullable: true),
                    CheckpointPath = table.Column<string>(type: "TEXT", nullable: true),
                    CheckpointRound = table.Column<int>(type: "INTEGER", nullable: true),
                    BestAccuracy = table.Column<double>(type: "REAL", nullable: true),
                    BestRound = table.Column<int>(type: "INTEGER", nullable: true),
                    FinalAccuracy = table.Column<double>(type: "REAL", nullable: true),
                    FinalMacroF1 = table.Column<double>(type: "REAL", nullable: true),
                    FinalLoss = table.Column<double>(type: "REAL", nullable: true),
                    TotalBytesUp = table.Column<long>(type: "INTEGER", nullable: false),
                    TotalBytesDown = table.Column<long>(type: "INTEGER", nullable: false),
                    TotalClientFlops = table.Column<double>(type: "REAL", nullable: false),
                    TotalClientSeconds = table.Column<double>(type: "REAL", nullable: false),
                    TotalSeconds = table.Column<double>(type: "REAL", nullable: false),
                    ModelDisplayName = table.Column<string>(type: "TEXT", nullable: true),
                    TotalParameters = table.Column<long>(type: "INTEGER", nullable: true),
                    TrainableParameters = table.Column<long>(type: "INTEGER", nullable: true),
                    TrainableStateBytes = table.Column<long>(type: "INTEGER", nullable: true),
                    TrainExamples = table.Column<int>(type: "INTEGER", nullable: true),
                    TestExamples = table.Column<int>(type: "INTEGER", nullable: true),
                    PublicExamples = table.Column<int>(type: "INTEGER", nullable: true),
                    ClassNamesJson = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Runs", x => x.Key);
                    table.ForeignKey(
                        name: "FK_Runs_Experiments_ExperimentId",
                        column: x => x.ExperimentId,
                        principalTable: "Experiments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "ClientRounds",
                columns: table => new
                {
                    RunKey = table.Column<long>(type: "INTEGER", nullable: false),
                    Round = table.Column<int>(type: "INTEGER", nullable: false),
                    ClientId = table.Column<int>(type: "INTEGER", nullable: false),
                    Examples = table.Column<int>(type: "INTEGER", nullable: false),
                    Steps = table.Column<int>(type: "INTEGER", nullable: false),
                    TrainLoss = table.Column<double>(type: "REAL", nullable: true),
                    BytesUp = table.Column<long>(type: "INTEGER", nullable: false),
                    BytesDown = table.Column<long>(type: "INTEGER", nullable: false),
                    UpParameters = table.Column<long>(type: "INTEGER", nullable: false),
                    UpLogits = table.Column<long>(type: "INTEGER", nullable: false),
                    UpActivations = table.Column<long>(type: "INTEGER", nullable: false),
                    UpActivationGradients = table.Column<long>(type: "INTEGER", nullable: false),
                    UpLabels = table.Column<long>(type: "INTEGER", nullable: false),
                    DownParameters = table.Column<long>(type: "INTEGER", nullable: false),
                    DownLogits = table.Column<long>(type: "INTEGER", nullable: false),
                    DownActivations = table.Column<long>(type: "INTEGER", nullable: false),
                    DownActivationGradients = table.Column<long>(type: "INTEGER", nullable: false),
                    DownLabels = table.Column<long>(type: "INTEGER", nullable: false),
                    Flops = table.Column<double>(type: "REAL", nullable: false),
                    Seconds = table.Column<double>(type: "REAL", nullable: false),
                    Accuracy = table.Column<double>(type: "REAL", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ClientRounds", x => new { x.RunKey, x.Round, x.ClientId });
                    table.ForeignKey(
                        name: "FK_ClientRounds_Runs_RunKey",
                        column: x => x.RunKey,
                        principalTable: "Runs",
                        principalColumn: "Key",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Partitions",
                columns: table => new
                {
                    RunKey = table.Column<long>(type: "INTEGER", nullable: false),
                    ClientId = table.Column<int>(type: "INTEGER", nullable: false),
                    Examples = table.Column<int>(type: "INTEGER", nullable: false),
                    LabelCountsJson = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Partitions", x => new { x.RunKey, x.ClientId });
                    table.ForeignKey(
                        name: "FK_Partitions_Runs_RunKey",
                        column: x => x.RunKey,
                        principalTable: "Runs",
                        principalColumn: "Key",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Rounds",
                columns: table => new
                {
                    RunKey = table.Column<long>(type: "INTEGER", nullable: false),
                    Round = table.Column<int>(type: "INTEGER", nullable: false),
                    Accuracy = table.Column<double>(type: "REAL", nullable: true),
                    MacroF1 = table.Column<double>(type: "REAL", nullable: true),
                    Loss = table.Column<double>(type: "REAL", nullable: true),
                    EvalExamples = table.Column<int>(type: "INTEGER", nullable: false),
                    Clients = table.Column<int>(type: "INTEGER", nullable: false),
                    BytesUp = table.Column<long>(type: "INTEGER", nullable: false),
                    BytesDown = table.Column<long>(type: "INTEGER", nullable: false),
                    UpParameters = table.Column<long>(type: "INTEGER", nullable: false),
                    UpLogits = table.Column<long>(type: "INTEGER", nullable: false),
                    UpActivations = table.Column<long>(type: "INTEGER", nullable: false),
                    UpActivationGradients = table.Column<long>(type: "INTEGER", nullable: false),
                    UpLabels = table.Column<long>(type: "INTEGER", nullable: false),
                    DownParameters = table.Column<long>(type: "INTEGER", nullable: false),
                    DownLogits = table.Column<long>(type: "INTEGER", nullable: false),
                    DownActivations = table.Column<long>(type: "INTEGER", nullable: false),
                    DownActivationGradients = table.Column<long>(type: "INTEGER", nullable: false),
                    DownLabels = table.Column<long>(type: "INTEGER", nullable: false),
                    ClientFlops = table.Column<double>(type: "REAL", nullable: false),
                    ClientSeconds = table.Column<double>(type: "REAL", nullable: false),
                    ServerSeconds = table.Column<double>(type: "REAL", nullable: false),
                    EvalSeconds = table.Column<double>(type: "REAL", nullable: false),
                    WallSeconds = table.Column<double>(type: "REAL", nullable: false),
                    TrainLoss = table.Column<double>(type: "REAL", nullable: true),
                    ClientAccuracyMean = table.Column<double>(type: "REAL", nullable: true),
                    ClientAccuracyStd = table.Column<double>(type: "REAL", nullable: true),
                    FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Rounds", x => new { x.RunKey, x.Round });
                    table.ForeignKey(
                        name: "FK_Rounds_Runs_RunKey",
                        column: x => x.RunKey,
                        principalTable: "Runs",
                        principalColumn: "Key",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_Name",
                table: "Experiments",
                column: "Name");

            migrationBuilder.CreateIndex(
                name: "IX_Runs_CreatedAt",
                table: "Runs",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Runs_Dataset",
                table: "Runs",
                column: "Dataset");

            migrationBuilder.CreateIndex(
                name: "IX_Runs_ExperimentId",
                table: "Runs",
                column: "ExperimentId");

            migrationBuilder.CreateIndex(
                name: "IX_Runs_Framework",
                table: "Runs",
                column: "Framework");

            migrationBuilder.CreateIndex(
                name: "IX_Runs_Id",
                table: "Runs",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Runs_Model",
                table: "Runs",
                column: "Model");

            migrationBuilder.CreateIndex(
                name: "IX_Runs_Name",
                table: "Runs",
                column: "Name");

            migrationBuilder.CreateIndex(
                name: "IX_Runs_Status",
                table: "Runs",
                column: "Status");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ClientRounds");

            migrationBuilder.DropTable(
                name: "Partitions");

            migrationBuilder.DropTable(
                name: "Rounds");

            migrationBuilder.DropTable(
                name: "Runs");

            migrationBuilder.DropTable(
                name: "Experiments");
        }
    }
}
