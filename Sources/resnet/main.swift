import Trainers

ResNetTrainer.main()
