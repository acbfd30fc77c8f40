// The built-in frameworks' descriptors and options, used throughout these tests.
global using FedLab.Engine.Frameworks;
global using FedLab.Engine.Frameworks.Centralized;
global using FedLab.Engine.Frameworks.FedLlm;
global using FedLab.Engine.Frameworks.KdFedLlm;
global using FedLab.Engine.Frameworks.SplitFedLlm;
