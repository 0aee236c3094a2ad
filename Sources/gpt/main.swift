import Trainers

GPTTrainer.main()
