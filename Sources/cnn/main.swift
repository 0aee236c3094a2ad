import Trainers

CNNTrainer.main()
